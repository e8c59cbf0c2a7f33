using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>A reloaded plan limit applies to the next request with the count Redis holds kept: counters are named by key and limit, not by configuration.</summary>
public sealed class RedisConfigurationReloadTests
{
    [Fact]
    public async Task PlanLimitReloaded_AppliesToTheNextRequest_WithTheCountInRedisKept()
    {
        // Arrange: a minute limit of 3, all used; the permit comes from the configuration, then from the reload
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var reload = new ReloadSource();
        long? permit = null;
        var section = RedisCounterStoreTests.Section("reload-key", """ "minute": { "PermitLimit": 3, "Window": "minute" } """);
        // Fail closed with a long timeout: under load, a slow Redis answer must not be admitted uncounted.
        await using var api = await RedisTestApi.StartAsync(redis, RedisCounterStoreTests.Prefix(), time, section, policy: "FailClosed", timeout: "00:00:05", configure: builder => builder.Services
            .AddSingleton<IOptionsChangeTokenSource<ApiErrorCatalogOptions>>(reload)
            .Configure<ApiErrorCatalogOptions>(o =>
            {
                if (permit is { } reloaded)
                {
                    o.Plans["p"].Limits["minute"].PermitLimit = reloaded;
                }
            }));
        for (var i = 0; i < 3; i++)
        {
            using var spent = await api.GetAsync("/data", "reload-key");
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }

        // Act: raised to 5, then lowered to 3
        permit = 5;
        reload.Reload();
        using var raised = await api.GetAsync("/data", "reload-key");
        permit = 3;
        reload.Reload();
        using var lowered = await api.GetAsync("/data", "reload-key");

        // Assert: the fourth request of five, then four used of three
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal("5", raised.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("1", raised.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.TooManyRequests, lowered.StatusCode);
        Assert.Equal("3", lowered.Headers.GetValues("X-RateLimit-Limit").Single());
    }

    /// <summary>A configuration reload on demand.</summary>
    private sealed class ReloadSource : IOptionsChangeTokenSource<ApiErrorCatalogOptions>
    {
        private ConfigurationReloadToken _token = new();

        public string? Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => _token;

        public void Reload() => Interlocked.Exchange(ref _token, new()).OnReload();
    }
}
