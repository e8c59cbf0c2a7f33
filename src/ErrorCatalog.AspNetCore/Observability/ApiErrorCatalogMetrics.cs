using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// <c>errorcatalog.decisions</c>: one count per decided request, tagged with outcome (admitted, overage,
/// refused), reason (the refusal) and plan; <c>errorcatalog.store.failures</c>; and the Redis store's
/// <c>errorcatalog.redis.batch.size</c>, <c>errorcatalog.redis.batch.duration</c> and
/// <c>errorcatalog.redis.local_refusals</c> (docs/redis.md, Metrics); <c>errorcatalog.keys.invalidations</c> (docs/keys.md);
/// <c>errorcatalog.metering.dropped</c> (docs/metering.md).
/// </summary>
internal sealed class ApiErrorCatalogMetrics
{
    public const string MeterName = "ErrorCatalog.Middleware";

    // Redis answers in well under a millisecond when healthy; the default buckets start at 5 ms.
    private static readonly double[] RedisSecondsBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _storeFailures;
    private readonly Histogram<int> _redisBatchSize;
    private readonly Histogram<double> _redisBatchDuration;
    private readonly Counter<long> _redisLocalRefusals;
    private readonly Counter<long> _keyInvalidations;
    private readonly Counter<long> _meteringDropped;

    public ApiErrorCatalogMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>(
            "errorcatalog.decisions",
            unit: "{request}",
            description: "Requests decided by the API limits, by outcome, reason and plan.");
        _storeFailures = meter.CreateCounter<long>(
            "errorcatalog.store.failures",
            unit: "{request}",
            description: "Requests the counter store (Redis) could not decide; the outage policy answered them.");
        _redisBatchSize = meter.CreateHistogram<int>(
            "errorcatalog.redis.batch.size",
            unit: "{request}",
            description: "Requests decided by one Redis script call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        _redisBatchDuration = meter.CreateHistogram<double>(
            "errorcatalog.redis.batch.duration",
            unit: "s",
            description: "Time from sending a Redis script call to reading its reply.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RedisSecondsBuckets });
        _redisLocalRefusals = meter.CreateCounter<long>(
            "errorcatalog.redis.local_refusals",
            unit: "{request}",
            description: "Requests the Redis store refused without asking Redis (the window was known to be spent), by limit.");
        _keyInvalidations = meter.CreateCounter<long>(
            "errorcatalog.keys.invalidations",
            unit: "{invalidation}",
            description: "Invalidations applied to the key cache, by kind (hash, key, subscription, all) and origin (local, broadcast, reconnect).");
        _meteringDropped = meter.CreateCounter<long>(
            "errorcatalog.metering.dropped",
            unit: "{request}",
            description: "Admitted requests never delivered to the usage meter: its queue was full, or the shutdown timeout passed first.");
    }

    /// <summary>
    /// A Redis script call was answered: the requests it decided (<paramref name="requests"/>) and the time from
    /// sending it to reading its reply. Free when nothing listens.
    /// </summary>
    public void RedisBatchAnswered(int requests, TimeSpan duration)
    {
        if (_redisBatchSize.Enabled)
        {
            _redisBatchSize.Record(requests);
        }

        if (_redisBatchDuration.Enabled)
        {
            _redisBatchDuration.Record(duration.TotalSeconds);
        }
    }

    /// <summary>A request refused by the Redis store without asking Redis, by the limit that refused it. Free when nothing listens.</summary>
    public void RedisLocalRefusal(string limit)
    {
        if (_redisLocalRefusals.Enabled)
        {
            _redisLocalRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));
        }
    }

    /// <summary>Admitted requests the usage meter will never receive (see docs/metering.md).</summary>
    public void MeteringDropped(long requests) => _meteringDropped.Add(requests);

    public void StoreFailed() => _storeFailures.Add(1);

    /// <summary>An invalidation applied to the key cache: made here, received from another instance, or a reconnect's clearing.</summary>
    public void KeysInvalidated(string kind, string origin)
    {
        if (_keyInvalidations.Enabled)
        {
            _keyInvalidations.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("origin", origin));
        }
    }

    public void Admitted(string? plan, bool overage)
    {
        if (_decisions.Enabled)
        {
            AdmittedCore(plan, overage);
        }
    }

    public void Refused(string? plan, Refusal reason)
    {
        if (_decisions.Enabled)
        {
            RefusedCore(plan, reason);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdmittedCore(string? plan, bool overage)
    {
        var tags = new TagList
        {
            { "outcome", overage ? "overage" : "admitted" },
            { "plan", plan ?? "anonymous" },
        };
        _decisions.Add(1, tags);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefusedCore(string? plan, Refusal reason)
    {
        var tags = new TagList
        {
            { "outcome", "refused" },
            { "reason", RefusalNames.Of(reason) }, // cached: no Enum.ToString() per refusal
            { "plan", plan ?? "anonymous" },
        };
        _decisions.Add(1, tags);
    }
}
