using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in this process (the default). A hand-written store rather than the built-in FixedWindowRateLimiter
/// per partition, because the built-ins cannot express the rules here: several limits decided all-or-nothing
/// (a window limiter's permits cannot be given back when a later limit refuses), windows aligned to the UTC
/// clock and to calendar months (built-in windows start when the limiter is created and replenish on a timer),
/// a variable cost with overage, and the same batch shape the Redis store runs in one round trip.
/// </summary>
/// <remarks>
/// <para>
/// State is kept per partition (a key, a subscription or a client IP), not per counter: one dictionary entry and
/// one object hold all of a partition's counters as plain numbers, sized for them when the partition is created
/// (a window is its end and its use, a sliding window also the previous window's use, a concurrency limit its
/// requests in flight). A key with minute, month, credit and concurrency limits costs about 170 bytes instead of
/// four entries and four objects (about 590 bytes); see benchmarks/ErrorCatalog.Benchmarks, <c>-- memory</c>.
/// </para>
/// <para>
/// A batch locks its partitions in a fixed order (their creation number), so two requests sharing partitions
/// never deadlock, and a request's decision sees no half-charged state. A partition is reclaimed by a timer once
/// all its windows have ended, nothing is in flight and it has been idle for the retention.
/// </para>
/// </remarks>
internal sealed class InMemoryCounterStore : ICounterStore, IDisposable
{
    // One map per LimitScope (Key, Subscription, Ip), keyed by the partition object: a key's id, a
    // subscription's id, an IPAddress. The scope keeps a key and a subscription of the same id apart.
    private readonly ConcurrentDictionary<object, Partition>[] _partitions =
        [new(), new(), new()];

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

    /// <summary>Partitions currently held (keys, subscriptions and client IPs with counters).</summary>
    public int PartitionCount => _partitions[0].Count + _partitions[1].Count + _partitions[2].Count;

    /// <summary>Counters currently held (for measurements and tests; walks every partition).</summary>
    public int CounterCount
    {
        get
        {
            var count = 0;
            foreach (var map in _partitions)
            {
                foreach (var (_, partition) in map)
                {
                    count += Volatile.Read(ref partition.Layout).Count;
                }
            }

            return count;
        }
    }

    /// <summary>Decides at once: memory never makes the caller wait.</summary>
    public Task? Begin(CounterBatch batch)
    {
        Acquire(batch);
        return null;
    }

    public Task? Complete(CounterBatch batch, Task pending) =>
        throw new InvalidOperationException("The in-memory counters decide in Begin; there is nothing to complete.");

    public bool Acquire(CounterBatch batch)
    {
        var count = batch.Count;
        Span<int> order = count <= 32 ? stackalloc int[count] : new int[count];
        while (true)
        {
            for (var i = 0; i < count; i++)
            {
                ref var item = ref batch[i];
                item.Handle = i > 0 && SamePartition(batch[i - 1].Entry, item.Entry) ? batch[i - 1].Handle : GetPartition(batch, i);
                order[i] = i;
            }

            SortByCreation(batch, order);
            var entered = 0;
            try
            {
                var stale = false;
                for (; entered < count; entered++)
                {
                    // Items of one partition are adjacent in the order: lock each partition once.
                    var partition = PartitionOf(batch, order[entered]);
                    if (entered == 0 || !ReferenceEquals(partition, PartitionOf(batch, order[entered - 1])))
                    {
                        Monitor.Enter(partition);
                        stale |= partition.Removed;
                    }
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
                    var partition = PartitionOf(batch, order[i]);
                    if (i == 0 || !ReferenceEquals(partition, PartitionOf(batch, order[i - 1])))
                    {
                        Monitor.Exit(partition);
                    }
                }
            }

            // A sweep reclaimed one of the partitions between lookup and lock: look them up again.
        }
    }

    public void Release(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Leased && item.Handle is Partition partition)
            {
                lock (partition)
                {
                    // A partition with requests in flight is never reclaimed, so the slot is still there.
                    var offset = partition.Layout.Find(item.Entry.Limit.CounterName, ConcurrencyWidth);
                    partition.Values()[offset]--;
                    partition.InFlight--;
                    partition.KeepUntil(_time.GetUtcNow().UtcTicks + _retention.Ticks); // idle from the request's end
                }

                item.Leased = false;
            }
        }

        batch.HasLeases = false;
    }

    public void Refund(CounterBatch batch, DateTimeOffset now)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind != LimitKind.Credits || item.Cost <= 0 || now >= item.ResetAt || item.Handle is not Partition partition)
            {
                continue;
            }

            lock (partition)
            {
                // The window's end tells it is the one charged: a partition reclaimed or moved on to a later window
                // gets nothing.
                var offset = partition.Layout.Find(limit.CounterName, WidthOf(limit));
                var values = partition.Values();
                if (!partition.Removed && offset >= 0 && values[offset] == item.ResetAt.UtcTicks)
                {
                    values[offset + 1] = Math.Max(0, values[offset + 1] - item.Cost);
                }
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();

    // The numbers each kind of counter keeps, in a partition's values.
    private const int ConcurrencyWidth = 1; // requests in flight
    private const int FixedWidth = 2;       // window end (UTC ticks), use
    private const int SlidingWidth = 3;     // window end, use, the previous window's use

    private static int WidthOf(LimitDefinition limit) =>
        limit.Kind == LimitKind.Concurrency ? ConcurrencyWidth : limit.Sliding ? SlidingWidth : FixedWidth;

    private bool Decide(CounterBatch batch)
    {
        var now = batch.Now;
        var idleUntil = now.UtcTicks + _retention.Ticks;
        Span<int> offsets = batch.Count <= 32 ? stackalloc int[batch.Count] : new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var partition = PartitionOf(batch, i);
            var limit = item.Entry.Limit;
            var offset = offsets[i] = partition.Slot(limit.CounterName, WidthOf(limit));
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
            if (windowEnd > end.UtcTicks)
            {
                // A request stamped before the partition's window began (its clock read raced another request's): it
                // counts in the partition's window, judged as at its start. Moving the window back would drop its use.
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
            var values = PartitionOf(batch, i).Values();
            if (item.Entry.Limit.Kind == LimitKind.Concurrency)
            {
                values[offsets[i]]++;
                PartitionOf(batch, i).InFlight++;
                item.Leased = true;
                batch.HasLeases = true;
            }
            else
            {
                values[offsets[i] + 1] += item.Cost;
            }
        }

        return true;
    }

    private static Partition PartitionOf(CounterBatch batch, int index) => Unsafe.As<Partition>(batch[index].Handle!);

    private static bool SamePartition(in LimitEntry a, in LimitEntry b) =>
        a.Limit.Scope == b.Limit.Scope && ReferenceEquals(a.Partition, b.Partition);

    private Partition GetPartition(CounterBatch batch, int index)
    {
        ref var entry = ref batch[index].Entry;
        var map = _partitions[(int)entry.Limit.Scope];
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
                width += WidthOf(other.Limit);
            }
        }

        return map.GetOrAdd(
            entry.Partition,
            static (_, state) => Partition.Create(Interlocked.Increment(ref state.Store._created), state.Width),
            (Store: this, Width: width));
    }

    private static void SortByCreation(CounterBatch batch, Span<int> order)
    {
        // Insertion sort: a batch holds a handful of items.
        for (var i = 1; i < order.Length; i++)
        {
            var current = order[i];
            var key = PartitionOf(batch, current).Creation;
            var j = i - 1;
            while (j >= 0 && PartitionOf(batch, order[j]).Creation > key)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var map in _partitions)
        {
            foreach (var (key, partition) in map)
            {
                lock (partition)
                {
                    if (partition.InFlight == 0 && partition.ReclaimAfterTicks <= now)
                    {
                        partition.Removed = true;
                        map.TryRemove(new KeyValuePair<object, Partition>(key, partition));
                    }
                }
            }
        }
    }

    /// <summary>
    /// All counters of one key, subscription or client IP: plain numbers at offsets its <see cref="CounterLayout"/>
    /// gives, stored inline in the object (a subclass per capacity, 1 to 8 values) so a tracked key is one small object.
    /// Guarded by locking the partition itself.
    /// </summary>
    private abstract class Partition(long creation)
    {
        /// <summary>The lock order among partitions.</summary>
        public readonly long Creation = creation;

        /// <summary>Where each counter's numbers are.</summary>
        public CounterLayout Layout = CounterLayout.Empty;

        /// <summary>Values beyond the inline capacity (a limit added after the partition was created).</summary>
        public long[]? Overflow;

        /// <summary>
        /// When the partition may be reclaimed: the end of the last window it counts in (the next window's end for a
        /// sliding one) or its last use plus the retention, whichever is later.
        /// </summary>
        public long ReclaimAfterTicks;

        /// <summary>Requests in flight over all its concurrency limits; never reclaimed while any are.</summary>
        public int InFlight;

        /// <summary>Reclaimed: a batch that looked it up before must look again.</summary>
        public bool Removed;

        /// <summary>A partition with room for <paramref name="width"/> values inline (a plan's limits: 1 to 8).</summary>
        public static Partition Create(long creation, int width) => width switch
        {
            <= 1 => new Sized<Values1>(creation),
            2 => new Sized<Values2>(creation),
            3 => new Sized<Values3>(creation),
            4 => new Sized<Values4>(creation),
            5 => new Sized<Values5>(creation),
            6 => new Sized<Values6>(creation),
            7 => new Sized<Values7>(creation),
            _ => new Sized<Values8>(creation),
        };

        /// <summary>The values, read after <see cref="Slot"/> (which may grow them).</summary>
        public PartitionValues Values() => new(InlineValues(), Overflow);

        public void KeepUntil(long ticks)
        {
            if (ticks > ReclaimAfterTicks)
            {
                ReclaimAfterTicks = ticks;
            }
        }

        /// <summary>The offset of a counter's numbers, given room (zeroed) on its first use.</summary>
        public int Slot(string name, int width)
        {
            var layout = Layout;
            var offset = layout.Find(name, width);
            if (offset >= 0)
            {
                return offset;
            }

            var grown = layout.With(name, width);
            var capacity = InlineValues().Length;
            if (grown.Size > capacity)
            {
                var overflow = Overflow;
                Array.Resize(ref overflow, grown.Size - capacity);
                Overflow = overflow;
            }

            Volatile.Write(ref Layout, grown);
            return grown.Size - width;
        }

        protected abstract Span<long> InlineValues();

        private sealed class Sized<TValues>(long creation) : Partition(creation)
            where TValues : struct
        {
            private TValues _values;

            protected override Span<long> InlineValues() =>
                MemoryMarshal.CreateSpan(ref Unsafe.As<TValues, long>(ref _values), Unsafe.SizeOf<TValues>() / sizeof(long));
        }

        [InlineArray(1)]
        private struct Values1
        {
            private long _element;
        }

        [InlineArray(2)]
        private struct Values2
        {
            private long _element;
        }

        [InlineArray(3)]
        private struct Values3
        {
            private long _element;
        }

        [InlineArray(4)]
        private struct Values4
        {
            private long _element;
        }

        [InlineArray(5)]
        private struct Values5
        {
            private long _element;
        }

        [InlineArray(6)]
        private struct Values6
        {
            private long _element;
        }

        [InlineArray(7)]
        private struct Values7
        {
            private long _element;
        }

        [InlineArray(8)]
        private struct Values8
        {
            private long _element;
        }
    }

    /// <summary>A partition's values: inline ones, then the overflow.</summary>
    private readonly ref struct PartitionValues(Span<long> inline, long[]? overflow)
    {
        private readonly Span<long> _inline = inline;

        public ref long this[int offset] => ref offset < _inline.Length ? ref _inline[offset] : ref overflow![offset - _inline.Length];
    }

    /// <summary>
    /// Which counter is at which offset of a partition's values: (counter name, width) in the order first used.
    /// Immutable and shared: every partition that met the same limits in the same order has the same instance, so a
    /// million keys of one plan share a handful of layouts.
    /// </summary>
    private sealed class CounterLayout
    {
        public static readonly CounterLayout Empty = new([], [], 0);

        private readonly string[] _names;
        private readonly int[] _widths;
        private CounterLayout[] _next = [];

        private CounterLayout(string[] names, int[] widths, int size)
        {
            _names = names;
            _widths = widths;
            Size = size;
        }

        /// <summary>Counters laid out.</summary>
        public int Count => _names.Length;

        /// <summary>Values used.</summary>
        public int Size { get; }

        /// <summary>The offset of the counter's first value, or -1.</summary>
        public int Find(string name, int width)
        {
            var offset = 0;
            for (var i = 0; i < _names.Length; i++)
            {
                if (_widths[i] == width && (ReferenceEquals(_names[i], name) || string.Equals(_names[i], name, StringComparison.Ordinal)))
                {
                    return offset;
                }

                offset += _widths[i];
            }

            return -1;
        }

        /// <summary>This layout and one more counter after it (shared: built once per distinct step).</summary>
        public CounterLayout With(string name, int width)
        {
            foreach (var next in Volatile.Read(ref _next))
            {
                if (next._widths[^1] == width && string.Equals(next._names[^1], name, StringComparison.Ordinal))
                {
                    return next;
                }
            }

            lock (this)
            {
                foreach (var next in _next)
                {
                    if (next._widths[^1] == width && string.Equals(next._names[^1], name, StringComparison.Ordinal))
                    {
                        return next;
                    }
                }

                var created = new CounterLayout([.. _names, name], [.. _widths, width], Size + width);
                Volatile.Write(ref _next, [.. _next, created]);
                return created;
            }
        }
    }
}
