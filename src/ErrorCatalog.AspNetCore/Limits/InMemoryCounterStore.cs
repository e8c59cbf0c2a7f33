using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in this process (the default). A hand-written store rather than the built-in FixedWindowRateLimiter
/// per partition, because the built-ins cannot express the rules here: several limits decided all-or-nothing
/// (a window limiter's permits cannot be given back when a later limit refuses), windows aligned to the UTC
/// clock and to calendar months (built-in windows start when the limiter is created and replenish on a timer),
/// a variable cost with overage, and the same batch shape the Redis store decides in one script call.
/// </summary>
/// <remarks>
/// <para>
/// State is kept per partition (a key, a subscription or a client IP), not per counter: one dictionary entry and
/// one object hold all of a partition's counters as plain numbers, sized for them when the partition is created
/// (a window is its end and its use, a sliding window also the previous window's use, a concurrency limit its
/// requests in flight), so a tracked key costs a fraction of an entry and an object per counter.
/// </para>
/// <para>
/// A batch locks its partitions in a fixed order (their creation number), so two requests sharing partitions
/// never deadlock, and a request's decision sees no half-charged state. A partition is reclaimed by a timer once
/// all its windows have ended, nothing is in flight and it has been idle for the retention.
/// </para>
/// </remarks>
internal sealed partial class InMemoryCounterStore : ICounterStore, IDisposable
{
    private static readonly HealthCheckResult Healthy = HealthCheckResult.Healthy(
        "counting in memory", new Dictionary<string, object> { ["store"] = "memory" });

    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly TimeSpan _concurrencyRetryAfter;
    private readonly CounterPartitions _partitions;

    public InMemoryCounterStore(TimeProvider time, TimeSpan retention, TimeSpan concurrencyRetryAfter)
    {
        _time = time;
        _retention = retention <= TimeSpan.Zero ? TimeSpan.FromMinutes(1) : retention;
        _concurrencyRetryAfter = concurrencyRetryAfter <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : concurrencyRetryAfter;
        _partitions = new CounterPartitions(time, _retention);
    }

    /// <summary>Partitions currently held (keys, subscriptions and client IPs with counters).</summary>
    public int PartitionCount => _partitions.Count;

    /// <summary>Counters currently held (for measurements and tests; walks every partition).</summary>
    public int CounterCount => _partitions.CounterCount;

    public CounterBatch CreateBatch() => new InMemoryCounterBatch();

    /// <summary>Decides at once: memory never makes the caller wait.</summary>
    public ValueTask<bool> AcquireAsync(CounterBatch batch) => new(Acquire(batch));

    /// <summary>Decides the batch (see <see cref="ICounterStore.AcquireAsync"/>), synchronously.</summary>
    public bool Acquire(CounterBatch batch)
    {
        var memory = (InMemoryCounterBatch)batch;
        memory.EnsureCapacity();
        var partitions = memory.Partitions;
        var count = batch.Count;
        Span<int> order = count <= 32 ? stackalloc int[count] : new int[count];
        while (true)
        {
            for (var i = 0; i < count; i++)
            {
                partitions[i] = i > 0 && SamePartition(batch[i - 1].Entry, batch[i].Entry) ? partitions[i - 1] : _partitions.Get(batch, i);
                order[i] = i;
            }

            SortByCreation(partitions, order);
            var entered = 0;
            try
            {
                var stale = false;
                for (; entered < count; entered++)
                {
                    // Items of one partition are adjacent in the order: lock each partition once.
                    var partition = partitions[order[entered]]!;
                    if (entered == 0 || !ReferenceEquals(partition, partitions[order[entered - 1]]))
                    {
                        Monitor.Enter(partition);
                        stale |= partition.Removed;
                    }
                }

                if (!stale)
                {
                    return Decide(batch, partitions);
                }
            }
            finally
            {
                for (var i = entered - 1; i >= 0; i--)
                {
                    var partition = partitions[order[i]]!;
                    if (i == 0 || !ReferenceEquals(partition, partitions[order[i - 1]]))
                    {
                        Monitor.Exit(partition);
                    }
                }
            }

            // A sweep reclaimed one of the partitions between lookup and lock: look them up again.
        }
    }

    /// <summary>Whether <paramref name="windowEnd"/> ends the window right after the one ending at <paramref name="end"/>.</summary>
    private static bool IsNextWindow(LimitDefinition limit, DateTimeOffset end, long windowEnd) =>
        windowEnd <= limit.Window.Get(end).End.UtcTicks;

    public void Release(CounterBatch batch)
    {
        if (!batch.HasLeases)
        {
            return;
        }

        // Admitted: every concurrency item of the batch holds a lease.
        var memory = (InMemoryCounterBatch)batch;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Entry.Limit.Kind == LimitKind.Concurrency && memory.PartitionAt(i) is { } partition)
            {
                lock (partition)
                {
                    // A partition with requests in flight is never reclaimed, so the slot is still there.
                    var offset = partition.Layout.Find(item.Entry.Limit.CounterName, CounterPartition.ConcurrencyWidth);
                    partition.Values()[offset]--;
                    partition.InFlight--;
                    partition.KeepUntil(_time.GetUtcNow().UtcTicks + _retention.Ticks); // idle from the request's end
                }
            }
        }

        batch.HasLeases = false;
    }

    public void Refund(CounterBatch batch, DateTimeOffset now)
    {
        var memory = (InMemoryCounterBatch)batch;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind != LimitKind.Credits || item.Cost <= 0 || now >= item.ResetAt || memory.PartitionAt(i) is not { } partition)
            {
                continue;
            }

            lock (partition)
            {
                // The window's end tells it is the one charged: a partition reclaimed or moved on to a later window
                // gets nothing.
                var offset = partition.Layout.Find(limit.CounterName, CounterPartition.WidthOf(limit));
                var values = partition.Values();
                if (!partition.Removed && offset >= 0 && values[offset] == item.ResetAt.UtcTicks)
                {
                    values[offset + 1] = Math.Max(0, values[offset + 1] - item.Cost);
                }
            }
        }
    }

    /// <summary>Always healthy: memory needs nothing that can be down.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthStatus failureStatus, CancellationToken cancellationToken) => Task.FromResult(Healthy);

    public void Dispose() => _partitions.Dispose();

    private bool Decide(CounterBatch batch, CounterPartition?[] partitions)
    {
        var now = batch.Now;
        var idleUntil = now.UtcTicks + _retention.Ticks;
        Span<int> offsets = batch.Count <= 32 ? stackalloc int[batch.Count] : new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var partition = partitions[i]!;
            var limit = item.Entry.Limit;
            var offset = offsets[i] = partition.Slot(limit.CounterName, CounterPartition.WidthOf(limit));
            var values = partition.Values();
            if (limit.Kind == LimitKind.Concurrency)
            {
                LimitMath.Evaluate(ref item, now, values[offset], 0, _concurrencyRetryAfter);
                partition.KeepUntil(idleUntil);
                continue;
            }

            var (_, start, end) = limit.Window.Get(now);
            ref var windowEnd = ref values[offset];
            var at = now;
            if (windowEnd > end.UtcTicks && IsNextWindow(limit, end, windowEnd))
            {
                // A request stamped before the partition's window began (its clock read raced another request's): it
                // counts in the partition's window, judged as at its start. Moving the window back would drop its use.
                // An end further ahead is a longer window's (a reload shortened it): that count starts again below.
                (_, start, end) = limit.Window.Get(new DateTimeOffset(windowEnd - 1, TimeSpan.Zero));
                at = start;
            }
            else if (windowEnd != end.UtcTicks)
            {
                // A new window: the use of the one just before it still counts in a sliding window.
                if (limit.Sliding)
                {
                    values[offset + 2] = windowEnd == start.UtcTicks ? values[offset + 1] : 0;
                }

                values[offset + 1] = 0;
                windowEnd = end.UtcTicks;
            }

            LimitMath.EvaluateWindow(ref item, at, start, end, values[offset + 1], limit.Sliding ? values[offset + 2] : 0);

            // A sliding window's use still counts through the next window: the partition is kept until that ends.
            partition.KeepUntil(Math.Max(idleUntil, (limit.Sliding ? limit.Window.Get(end).End : end).UtcTicks));
        }

        var admitted = LimitMath.Conclude(batch);
        if (!admitted)
        {
            return false;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var partition = partitions[i]!;
            var values = partition.Values();
            if (item.Entry.Limit.Kind == LimitKind.Concurrency)
            {
                values[offsets[i]]++;
                partition.InFlight++;
                batch.HasLeases = true;
            }
            else
            {
                values[offsets[i] + 1] += item.Cost;
            }
        }

        return true;
    }

    private static bool SamePartition(in LimitEntry a, in LimitEntry b) =>
        a.Limit.Scope == b.Limit.Scope && ReferenceEquals(a.Partition, b.Partition);

    private static void SortByCreation(CounterPartition?[] partitions, Span<int> order)
    {
        // Insertion sort: a batch holds a handful of items.
        for (var i = 1; i < order.Length; i++)
        {
            var current = order[i];
            var key = partitions[current]!.Creation;
            var j = i - 1;
            while (j >= 0 && partitions[order[j]]!.Creation > key)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }
    }
}
