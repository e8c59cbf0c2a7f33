using System.Collections.Concurrent;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The in-memory store's partitions, by scope and owner, and the timer that reclaims them: a partition goes once all
/// its windows have ended, nothing is in flight and it has been idle for the retention.
/// </summary>
internal sealed class CounterPartitions : IDisposable
{
    // One map per LimitScope (Key, Subscription, Ip), keyed by the partition object: a key's id, a
    // subscription's id, an IPAddress. The scope keeps a key and a subscription of the same id apart.
    private readonly ConcurrentDictionary<object, CounterPartition>[] _maps = [new(), new(), new()];

    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private long _created;

    public CounterPartitions(TimeProvider time, TimeSpan retention)
    {
        _time = time;
        _sweeper = time.CreateTimer(static s => ((CounterPartitions)s!).Sweep(), this, retention, retention);
    }

    /// <summary>Partitions currently held (keys, subscriptions and client IPs with counters).</summary>
    public int Count => _maps[0].Count + _maps[1].Count + _maps[2].Count;

    /// <summary>Counters currently held (for measurements and tests; walks every partition).</summary>
    public int CounterCount
    {
        get
        {
            var count = 0;
            foreach (var map in _maps)
            {
                foreach (var (_, partition) in map)
                {
                    count += Volatile.Read(ref partition.Layout).Count;
                }
            }

            return count;
        }
    }

    /// <summary>The partition of item <paramref name="index"/>'s counter, created on its owner's first request.</summary>
    public CounterPartition Get(CounterBatch batch, int index)
    {
        ref var entry = ref batch[index].Entry;
        var map = _maps[(int)entry.Limit.Scope];
        if (map.TryGetValue(entry.Partition, out var partition))
        {
            return partition;
        }

        // New: sized for the counters this batch keeps in it (a later, different limit grows it).
        var width = 0;
        for (var i = index; i < batch.Count; i++)
        {
            ref var other = ref batch[i].Entry;
            if (other.Limit.Scope == entry.Limit.Scope && Equals(other.Partition, entry.Partition))
            {
                width += CounterPartition.WidthOf(other.Limit);
            }
        }

        return map.GetOrAdd(
            entry.Partition,
            static (_, state) => CounterPartition.Create(Interlocked.Increment(ref state.Partitions._created), state.Width),
            (Partitions: this, Width: width));
    }

    /// <summary>The partition of a counter's owner, if it has one (a read never creates it).</summary>
    public CounterPartition? Find(in LimitEntry entry) =>
        _maps[(int)entry.Limit.Scope].TryGetValue(entry.Partition, out var partition) ? partition : null;

    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var map in _maps)
        {
            foreach (var (key, partition) in map)
            {
                lock (partition)
                {
                    if (partition.InFlight == 0 && partition.ReclaimAfterTicks <= now)
                    {
                        partition.Removed = true;
                        map.TryRemove(new KeyValuePair<object, CounterPartition>(key, partition));
                    }
                }
            }
        }
    }
}
