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
        var now = batch.Now;
        var refused = -1;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var counter = (Counter)item.Handle!;
            var limit = item.Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency)
            {
                item.Used = counter.InFlight;
                item.Refused = counter.InFlight + 1 > limit.PermitLimit;
                item.RetryAfter = item.Refused ? _concurrencyRetryAfter : TimeSpan.Zero;
                item.ResetAt = now;
            }
            else
            {
                var (index, start, end) = limit.Window.Get(now);
                // A sliding window's use still counts through the next window: the sweep keeps it until that ends.
                counter.Roll(index, (limit.Sliding ? limit.Window.Get(end).End : end).UtcTicks);
                var previous = limit.Sliding ? SlidingWeight(counter.Previous, start, end, now) : 0;
                item.Used = counter.Used + previous;
                item.ResetAt = end;
                if (item.Used + item.Cost > limit.PermitLimit)
                {
                    item.Overage = item.OverageAllowed;
                    item.Refused = !item.OverageAllowed;
                    item.RetryAfter = item.Refused ? RetryAfter(limit, counter, item.Cost, start, end, now) : TimeSpan.Zero;
                }
            }

            if (item.Refused && (refused < 0 || item.RetryAfter > batch[refused].RetryAfter))
            {
                // Several refuse: answer with the one that admits last, so the Retry-After is true.
                refused = i;
            }
        }

        batch.RefusedIndex = refused;
        var admitted = refused < 0;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var counter = (Counter)item.Handle!;
            var limit = item.Entry.Limit;
            counter.LastUsedTicks = now.UtcTicks;
            if (admitted)
            {
                if (limit.Kind == LimitKind.Concurrency)
                {
                    counter.InFlight++;
                    item.Leased = true;
                    batch.HasLeases = true;
                }
                else
                {
                    counter.Used += item.Cost;
                }

                item.Used += limit.Kind == LimitKind.Concurrency ? 1 : item.Cost;
            }

            item.Remaining = Math.Max(0, limit.PermitLimit - item.Used);
        }

        return admitted;
    }

    /// <summary>The previous window's use, weighted by how much of it the sliding window still covers.</summary>
    private static long SlidingWeight(long previous, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (previous == 0)
        {
            return 0;
        }

        var elapsed = (double)(now - start).Ticks / (end - start).Ticks;
        return (long)Math.Ceiling(previous * (1 - elapsed));
    }

    /// <summary>The true time until this limit admits <paramref name="cost"/> again.</summary>
    private static TimeSpan RetryAfter(LimitDefinition limit, Counter counter, long cost, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (!limit.Sliding)
        {
            return end - now;
        }

        // previous * (1 - f) + used + cost <= permit, solved for the fraction f of the window.
        var period = (end - start).Ticks;
        var room = limit.PermitLimit - counter.Used - cost;
        if (room >= 0 && counter.Previous > 0)
        {
            var fraction = 1 - ((double)room / counter.Previous);
            return TimeSpan.FromTicks(Math.Max(0, (long)(fraction * period) - (now - start).Ticks));
        }

        // Not before this window ends; then this window's use slides out as the next one goes on.
        var next = counter.Used == 0 ? 0 : Math.Max(0, 1 - ((double)(limit.PermitLimit - cost) / counter.Used));
        return (end - now) + TimeSpan.FromTicks((long)(next * period));
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
