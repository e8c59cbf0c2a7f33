using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The counter store's health check on a real redis-server: healthy, killed, restarted.</summary>
public sealed class RedisHealthTests
{
    private static readonly string Section = RedisCounterStoreTests.Section("health-key", """ "minute": { "PermitLimit": 100, "Window": "minute" } """);

    private static Task<RedisTestApi> StartAsync(RedisServer redis, string policy = "FailOpen", HealthStatus? failureStatus = null) => RedisTestApi.StartAsync(
        redis,
        RedisCounterStoreTests.Prefix(),
        new FakeTimeProvider(RedisTestApi.Start),
        Section,
        policy,
        map: static app => app.MapHealthChecks("/health"),
        configure: builder => builder.Services.AddHealthChecks().AddApiErrorCatalog(failureStatus: failureStatus));

    [Fact]
    public async Task HealthEndpoint_WithoutKey_IsHealthy_UnhealthyWhileRedisIsDown_AndHealthyOnceItIsBack()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        await using var api = await StartAsync(redis);

        // Act / Assert: no key needed (an infrastructure endpoint), and Redis answers.
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthAsync(api));

        redis.Kill();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await HealthAsync(api));

        await redis.StartAsync();
        await WaitUntilAsync(async () => await HealthAsync(api) == (HttpStatusCode.OK, "Healthy"));
    }

    [Fact]
    public async Task Report_WhileRedisAnswers_GivesLatencyEndpointConnectionAndPolicy()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        await using var api = await StartAsync(redis);

        // Act
        var entry = (await api.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["errorcatalog"];

        // Assert
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith("Redis answers in ", entry.Description);
        Assert.Equal("redis", entry.Data["store"]);
        Assert.Equal(redis.Configuration, entry.Data["endpoints"]);
        Assert.Equal(true, entry.Data["connected"]);
        Assert.Equal("FailOpen", entry.Data["failurePolicy"]);
        Assert.InRange((double)entry.Data["latencyMilliseconds"], 0, 250);
    }

    [Theory]
    [InlineData("FailOpen", null, HealthStatus.Unhealthy, "Redis is not answering; requests are admitted uncounted (FailOpen)")]
    [InlineData("FailClosed", HealthStatus.Degraded, HealthStatus.Degraded, "Redis is not answering; requests are refused with the catalog's StoreUnavailable error (FailClosed)")]
    public async Task Report_WhileRedisIsDown_NamesTheOutagePolicy_WithTheRegistrationsFailureStatus(
        string policy, HealthStatus? failureStatus, HealthStatus expected, string description)
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        await using var api = await StartAsync(redis, policy, failureStatus);
        redis.Kill();

        // Act
        var entry = (await api.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["errorcatalog"];

        // Assert
        Assert.Equal(expected, entry.Status);
        Assert.Equal(description, entry.Description);
        Assert.Equal(policy, entry.Data["failurePolicy"]);
        Assert.NotNull(entry.Exception);
    }

    private static async Task<(HttpStatusCode, string)> HealthAsync(RedisTestApi api)
    {
        using var response = await api.Client.GetAsync("/health");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
