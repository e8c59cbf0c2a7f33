using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The Redis store's recording methods on the library's meter (the store itself is tested in Redis.Tests): what they
/// record, and that they cost nothing while no listener has enabled their instruments.
/// </summary>
[Collection(AllocationGuardCollection.Name)]
public sealed class RedisMetricsRecordingTests
{
    [Fact]
    public void LocalRefusal_IsCountedByLimit()
    {
        // Arrange
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var metrics = new ApiErrorCatalogMetrics(meters);
        using var refusals = new MetricCollector<long>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.local_refusals");

        // Act
        metrics.RedisLocalRefusal("minute");
        metrics.RedisLocalRefusal("minute");
        metrics.RedisLocalRefusal("month");

        // Assert
        var measurements = refusals.GetMeasurementSnapshot();
        Assert.Equal(["minute", "minute", "month"], measurements.Select(m => m.Tags["limit"]));
        Assert.All(measurements, m => Assert.Equal(1, m.Value));
        Assert.Equal("{request}", refusals.Instrument!.Unit);
    }

    [Fact]
    public void BatchAnswered_RecordsSizeAndSeconds()
    {
        // Arrange
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var metrics = new ApiErrorCatalogMetrics(meters);
        using var sizes = new MetricCollector<int>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.batch.size");
        using var durations = new MetricCollector<double>(meters, ApiErrorCatalogMetrics.MeterName, "errorcatalog.redis.batch.duration");

        // Act
        metrics.RedisBatchAnswered(12, TimeSpan.FromMilliseconds(3));

        // Assert
        Assert.Equal(12, Assert.Single(sizes.GetMeasurementSnapshot()).Value);
        Assert.Equal(0.003, Assert.Single(durations.GetMeasurementSnapshot()).Value, precision: 9);
    }

    [ReleaseOnlyFact]
    public void WithoutListeners_RecordingAllocatesNothing()
    {
        // Arrange
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ApiErrorCatalogMetrics(services.GetRequiredService<IMeterFactory>());
        metrics.RedisBatchAnswered(1, TimeSpan.FromMilliseconds(1));
        metrics.RedisLocalRefusal("minute");

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            metrics.RedisBatchAnswered(1, TimeSpan.FromMilliseconds(i));
            metrics.RedisLocalRefusal("minute");
        }

        // Assert
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [ReleaseOnlyFact]
    public void WithAListener_RecordingAllocatesNothing()
    {
        // Arrange: a listener that only sums, so whatever is allocated is the recording's own.
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ApiErrorCatalogMetrics(services.GetRequiredService<IMeterFactory>());
        double total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = static (instrument, l) =>
        {
            if (instrument.Meter.Name == ApiErrorCatalogMetrics.MeterName && instrument.Name.StartsWith("errorcatalog.redis.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => total += value);
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => total += value);
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => total += value);
        listener.Start();
        metrics.RedisBatchAnswered(1, TimeSpan.FromMilliseconds(1));
        metrics.RedisLocalRefusal("minute");

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            metrics.RedisBatchAnswered(1, TimeSpan.FromMilliseconds(1));
            metrics.RedisLocalRefusal("minute");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert: every call reached the listener (1 + 0.001 + 1 each), and nothing was allocated for it.
        Assert.Equal(1_001 * 2.001, total, precision: 6);
        Assert.Equal(0, allocated);
    }
}
