using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ErrorCatalog.Middleware;

/// <summary>
/// All counters of one key, subscription or client IP: plain numbers at offsets its <see cref="CounterLayout"/>
/// gives, stored inline in the object (a subclass per capacity, 1 to 8 values) so a tracked key is one small object.
/// Guarded by locking the partition itself.
/// </summary>
internal abstract class CounterPartition(long creation)
{
    // The numbers each kind of counter keeps, in a partition's values.
    public const int ConcurrencyWidth = 1; // requests in flight
    private const int FixedWidth = 2;      // window end (UTC ticks), use
    private const int SlidingWidth = 3;    // window end, use, the previous window's use

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
    public static CounterPartition Create(long creation, int width) => width switch
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

    /// <summary>How many values a limit's counter keeps.</summary>
    public static int WidthOf(LimitDefinition limit) =>
        limit.Kind == LimitKind.Concurrency ? ConcurrencyWidth : limit.Sliding ? SlidingWidth : FixedWidth;

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

    private sealed class Sized<TValues>(long creation) : CounterPartition(creation)
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
