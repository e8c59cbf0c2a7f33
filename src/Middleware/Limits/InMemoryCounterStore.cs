using System.Collections.Concurrent;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in this process (the default). A hand-written store rather than the built-in FixedWindowRateLimiter
/// per partition, because the built-ins cannot express the rules here: several limits decided all-or-nothing
/// (a window limiter's permits cannot be given back when a later limit refuses), windows aligned to the UTC
/// clock and to calendar months (built-in windows start when the limiter is created and replenish on a timer),
/// a variable cost with overage, and the same batch shape the Redis store runs in one round trip.
/// </summary>
/// <remarks>
/// A batch locks its counters in a fixed order (their creation number), so two requests sharing counters never
/// deadlock, and a request's decision sees no half-charged state. Idle counters are reclaimed by a timer.
/// </remarks>
internal sealed class InMemoryCounterStore : ICounterStore, IDisposable
{
    private readonly ConcurrentDictionary<CounterKey, Counter> _counters = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly TimeSpan _concurrencyRetryAfter;
    private readonly ITimer _sweeper;
    private long _created;

    public InMemoryCounterStore(TimeProvider time, TimeSpan retention, TimeSpan concurrencyRetryAfter)
    {
        _time = time;
        _retention = retention <= TimeSpan.Zero ? TimeSpan.FromMinutes(1) : retention;
        _concurrencyRetryAfter = concurrencyRetryAfter <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : concurrencyRetryAfter;
        _sweeper = time.CreateTimer(static s => ((InMemoryCounterStore)s!).Sweep(), this, _retention, _retention);
    }

    /// <summary>Counters currently held (for measurements and tests).</summary>
    public int CounterCount => _counters.Count;

    public ValueTask<bool> AcquireAsync(CounterBatch batch, CancellationToken cancellationToken) => new(Acquire(batch));

    public bool Acquire(CounterBatch batch)
    {
        var count = batch.Count;
        Span<int> order = count <= 32 ? stackalloc int[count] : new int[count];
        while (true)
        {
            for (var i = 0; i < count; i++)
            {
                ref var item = ref batch[i];
                item.Handle = GetCounter(item.Entry);
                order[i] = i;
            }

            SortByCreation(batch, order);
            var entered = 0;
            try
            {
                var stale = false;
                for (; entered < count; entered++)
                {
                    var counter = (Counter)batch[order[entered]].Handle!;
                    Monitor.Enter(counter);
                    stale |= counter.Removed;
                }

                if (!stale)
                {
                    return Decide(batch);
                }
            }
            finally
            {
                for (var i = entered - 1; i >= 0; i--)
                {
                    Monitor.Exit(batch[order[i]].Handle!);
                }
            }

            // A sweep reclaimed one of the counters between lookup and lock: look them up again.
        }
    }

    public ValueTask ReleaseAsync(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Leased && item.Handle is Counter counter)
            {
                lock (counter)
                {
                    counter.InFlight--;
                    counter.LastUsedTicks = _time.GetUtcNow().UtcTicks;
                }

                item.Leased = false;
            }
        }

        batch.HasLeases = false;
        return default;
    }

    public void Dispose() => _sweeper.Dispose();

    private bool Decide(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var counter = (Counter)item.Handle!;
            var limit = item.Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency)
            {
                LimitMath.Evaluate(ref item, batch.Now, counter.InFlight, 0, _concurrencyRetryAfter);
            }
            else
            {
                var (index, _, end) = limit.Window.Get(batch.Now);
                // A sliding window's use still counts through the next window: the sweep keeps it until that ends.
                counter.Roll(index, (limit.Sliding ? limit.Window.Get(end).End : end).UtcTicks);
                LimitMath.Evaluate(ref item, batch.Now, counter.Used, counter.Previous, _concurrencyRetryAfter);
            }
        }

        var admitted = LimitMath.Conclude(batch);
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var counter = (Counter)item.Handle!;
            counter.LastUsedTicks = batch.Now.UtcTicks;
            if (!admitted)
            {
                continue;
            }

            if (item.Entry.Limit.Kind == LimitKind.Concurrency)
            {
                counter.InFlight++;
                item.Leased = true;
                batch.HasLeases = true;
            }
            else
            {
                counter.Used += item.Cost;
            }
        }

        return admitted;
    }

    private Counter GetCounter(in LimitEntry entry) =>
        _counters.GetOrAdd(
            new CounterKey(entry.Limit.CounterName, entry.Partition),
            static (_, store) => new Counter(Interlocked.Increment(ref store._created)),
            this);

    private static void SortByCreation(CounterBatch batch, Span<int> order)
    {
        // Insertion sort: a batch holds a handful of items.
        for (var i = 1; i < order.Length; i++)
        {
            var current = order[i];
            var key = ((Counter)batch[current].Handle!).Creation;
            var j = i - 1;
            while (j >= 0 && ((Counter)batch[order[j]].Handle!).Creation > key)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }
    }

    private void Sweep()
    {
        var cutoff = _time.GetUtcNow().UtcTicks - _retention.Ticks;
        foreach (var (key, counter) in _counters)
        {
            lock (counter)
            {
                if (counter.InFlight == 0 && counter.WindowEndTicks <= cutoff + _retention.Ticks && counter.LastUsedTicks <= cutoff)
                {
                    counter.Removed = true;
                    _counters.TryRemove(new KeyValuePair<CounterKey, Counter>(key, counter));
                }
            }
        }
    }

    private readonly record struct CounterKey(string Name, object Partition);

    /// <summary>One counter: a window's use (and the previous window's, for sliding), or requests in flight.</summary>
    private sealed class Counter(long creation)
    {
        public readonly long Creation = creation;
        public long WindowIndex = long.MinValue;
        /// <summary>When this window's use stops counting: its end, or the next window's end when sliding.</summary>
        public long WindowEndTicks;
        public long Used;
        public long Previous;
        public long InFlight;
        public long LastUsedTicks;
        public bool Removed;

        public void Roll(long index, long endTicks)
        {
            if (index == WindowIndex)
            {
                return;
            }

            Previous = index == WindowIndex + 1 ? Used : 0;
            Used = 0;
            WindowIndex = index;
            WindowEndTicks = endTicks;
        }
    }
}
