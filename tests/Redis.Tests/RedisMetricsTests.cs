using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The Redis store's instruments on the library's meter, recorded by requests through an app.</summary>
public sealed class RedisMetricsTests
{
    [Fact]
    public async Task RequestsOnRedis_RecordEachScriptCallsBatchSizeAndDuration_AndLocalRefusals()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var section = RedisCounterStoreTests.Section("metrics-key", """ "minute": { "PermitLimit": 2, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(redis, RedisCounterStoreTests.Prefix(), new FakeTimeProvider(RedisTestApi.Start), section);
        var meters = api.App.Services.GetRequiredService<IMeterFactory>();
        using var sizes = new MetricCollector<int>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.batch.size");
        using var durations = new MetricCollector<double>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.batch.duration");
        using var local = new MetricCollector<long>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.local_refusals");

        // Act: two admitted, each one script call; the second's reply shows the window used up, so the third is
        // refused without Redis.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.GetAsync("/data", "metrics-key");
            statuses.Add(response.StatusCode);
        }

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal([1, 1], sizes.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal("{request}", sizes.Instrument!.Unit);
        var seconds = durations.GetMeasurementSnapshot().Select(m => m.Value).ToList();
        Assert.Equal(2, seconds.Count);
        Assert.All(seconds, s => Assert.InRange(s, 0, 0.25));
        Assert.Equal("s", durations.Instrument!.Unit);
        var refusal = Assert.Single(local.GetMeasurementSnapshot());
        Assert.Equal(1, refusal.Value);
        Assert.Equal("minute", refusal.Tags["limit"]);
    }
}
