using System.ComponentModel.DataAnnotations;

namespace ErrorCatalog.Middleware;

/// <summary>How admitted requests reach the <see cref="IUsageMeter"/>: batches, the queue's bound, retries.</summary>
public sealed class UsageMeteringOptions
{
    /// <summary>The most records per <see cref="IUsageMeter.RecordAsync"/> call. Default 500.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long records wait for a batch to fill before they are delivered anyway. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most records waiting for delivery. When the meter is down long enough to fill it, new records are dropped
    /// (counted by <c>errorcatalog.metering.dropped</c> and logged), so requests never wait and memory stays bounded.
    /// Default 100,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>The wait before the first retry of a batch whose delivery threw; doubled on each further failure. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBackOff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxRetryBackOff { get; set; } = TimeSpan.FromMinutes(1);
}
