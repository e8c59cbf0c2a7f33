using System.Globalization;

namespace ErrorCatalog;

/// <summary>
/// The text of recent large integers, direct-mapped by value: one that repeats (the Retry-After every key refused in
/// the same second of a day or month window gets) is formatted once. <see cref="HeaderValues"/> holds the process's.
/// </summary>
internal sealed class RecentIntegers
{
    /// <summary>Slots; a power of two, so the slot is a mask of the value.</summary>
    public const int Size = 256;

    private readonly Entry?[] _slots = new Entry?[Size];

    /// <summary>The decimal text of <paramref name="value"/>: the cached one when its slot holds it.</summary>
    public string Get(long value)
    {
        // Entries are immutable and swapped whole, so a reader never sees a value with another value's text.
        ref var slot = ref _slots[(int)((ulong)value % Size)];
        var recent = Volatile.Read(ref slot);
        if (recent is not null && recent.Value == value)
        {
            return recent.Text;
        }

        recent = new Entry(value, value.ToString(CultureInfo.InvariantCulture));
        Volatile.Write(ref slot, recent);
        return recent.Text;
    }

    private sealed record Entry(long Value, string Text);
}
