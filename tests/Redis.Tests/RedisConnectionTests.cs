using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The app's own IConnectionMultiplexer: counted on, never disposed, and its timeouts checked at start-up.</summary>
public sealed class RedisConnectionTests
{
    private const string WarningEvent = "RedisConnectionWaitsPastTimeout";

    private static readonly string Section = RedisCounterStoreTests.Section("own-key", """ "minute": { "PermitLimit": 10, "Window": "minute" } """);

    [Fact]
    public async Task AppsOwnMultiplexer_CountsInRedis_AndStaysConnectedOnceTheAppIsDisposed()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var prefix = RedisCounterStoreTests.Prefix();
        var api = await RedisTestApi.StartAsync(redis, prefix, new FakeTimeProvider(RedisTestApi.Start), Section, connection: _ => multiplexer);
        string? first, second;
        RedisValue counted;
        try
        {
            // Act
            using (var response = await api.GetAsync("/data", "own-key"))
            {
                first = Remaining(response);
            }

            using (var response = await api.GetAsync("/data", "own-key"))
            {
                second = Remaining(response);
            }

            var key = Assert.Single(multiplexer.GetServer(multiplexer.GetEndPoints()[0]).Keys(pattern: prefix + "*"));
            counted = await multiplexer.GetDatabase().StringGetAsync(key);
        }
        finally
        {
            await api.DisposeAsync();
        }

        // Assert: counted in Redis, and the app's multiplexer is still the app's.
        Assert.Equal(("9", "8"), (first, second));
        Assert.Equal(2, (long)counted);
        Assert.True(multiplexer.IsConnected);
        Assert.True(await multiplexer.GetDatabase().StringSetAsync(prefix + "after", "still usable"));
    }

    [Fact]
    public async Task AppsOwnMultiplexer_WithoutARedisSection_CountsInRedisWithTheDefaults()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await using var app = await StartAsync(Section, multiplexer);

        // Act
        using var response = await GetAsync(app, "own-key");

        // Assert: the default prefix.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(multiplexer.GetServer(multiplexer.GetEndPoints()[0]).Keys(pattern: "ec:*"));
    }

    [Fact]
    public async Task AppsOwnMultiplexer_WaitingLongerThanTheTimeout_LogsAWarningNamingTheSettings()
    {
        // Arrange: the client's defaults (asyncTimeout 5000 ms) against a call's half of the store's 250 ms.
        await using var redis = await RedisServer.StartAsync();
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);

        // Act
        await using var app = await StartAsync(Section, multiplexer);

        // Assert
        var warning = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == WarningEvent);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("5000 ms", warning.Message);
        Assert.Contains("half of ApiErrorCatalog:Redis:Timeout (125 ms)", warning.Message);
        Assert.Contains("asyncTimeout=100", warning.Message);
        Assert.Contains("BacklogPolicy.FailFast", warning.Message);
    }

    [Fact]
    public async Task AppsOwnMultiplexer_WithinTheTimeout_LogsNoWarning()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var options = ConfigurationOptions.Parse(redis.Configuration);
        options.AsyncTimeout = 100;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);

        // Act
        await using var app = await StartAsync(Section, multiplexer);

        // Assert
        Assert.DoesNotContain(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == WarningEvent);
    }

    [Fact]
    public async Task AppsOwnMultiplexer_AndRedisConfiguration_FailStartUpNamingBoth()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var section = Section.TrimEnd().TrimEnd('}') + $$""", "Redis": { "Configuration": "{{redis.Configuration}}" } }""";

        // Act
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(section, multiplexer));

        // Assert
        Assert.Contains("ApiErrorCatalog:Redis:Configuration is set, and AddApiErrorCatalogRedis(connection)", ex.Message);
    }

    private static string? Remaining(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-RateLimit-Remaining", out var values) ? values.Single() : null;

    private static Task<HttpResponseMessage> GetAsync(WebApplication app, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/data");
        request.Headers.Add(RedisTestApi.KeyHeader, key);
        return app.GetTestClient().SendAsync(request);
    }

    /// <summary>An app on the given multiplexer, with the given ApiErrorCatalog JSON and its logs collected.</summary>
    private static async Task<WebApplication> StartAsync(string section, IConnectionMultiplexer multiplexer)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(section))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(RedisTestApi.Start));
        builder.Services.AddApiErrorCatalog(configuration).AddApiErrorCatalogRedis(_ => multiplexer);
        var app = builder.Build();
        try
        {
            app.UseApiErrorCatalog();
            app.MapGet("/data", () => "ok");
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
