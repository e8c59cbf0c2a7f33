using System.Collections.Concurrent;
using System.Globalization;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The decimal text of a limit's counts (remaining, used) for headers, without a string per request.
/// </summary>
/// <remarks>
/// <para>
/// A header value has to be a string that nothing rewrites until the response is sent and its readers are done,
/// so the choice is which strings to keep, not where to format. A limit's counts sit between 0 and its permit,
/// and both ends are where requests are: a key near its cap (remaining 0..65535: <see cref="HeaderValues.Integer"/>'s
/// table) and a key that has used little of a large limit (remaining a little below the permit, used a little
/// above 0). So each permit above 65,535 gets a second table, for the 65,536 values just below it, shared by every
/// limit, key and window with that permit, filled lazily in chunks of 1,024 as values occur: the values a plan's
/// keys see in one window are the values its keys see in the next, so after the first windows nothing is made.
/// </para>
/// <para>
/// Only a count more than 65,535 from both 0 and its permit is formatted per request (one string, about 40 bytes):
/// a single key sending more than 65,535 requests in one window of a limit above 131,071. Memory is bounded: at
/// most 64 chunks (about 3 MB with their strings) per permit, for at most 256 distinct permits.
/// </para>
/// </remarks>
internal sealed class CountText
{
    private const int Range = HeaderValues.CachedIntegers;
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int MaxPermits = 256;

    private static readonly ConcurrentDictionary<long, CountText> ByPermit = new();

    /// <summary>Counts of a limit whose permit is in the small table's range: no second table needed.</summary>
    private static readonly CountText Small = new(0);

    private readonly long _permit;
    private readonly string?[]?[]? _chunks;

    private CountText(long permit)
    {
        _permit = permit;
        _chunks = permit >= Range ? new string?[]?[Range / ChunkSize] : null;
    }

    /// <summary>The counts of a limit of <paramref name="permit"/> (one instance per permit, shared).</summary>
    public static CountText For(long permit)
    {
        if (permit < Range)
        {
            return Small;
        }

        if (ByPermit.TryGetValue(permit, out var counts))
        {
            return counts;
        }

        // Bounded: beyond 256 distinct large permits (keys with their own limits from a store), counts near such a
        // permit are formatted per request rather than cached without end.
        return ByPermit.Count < MaxPermits ? ByPermit.GetOrAdd(permit, static p => new CountText(p)) : new CountText(0);
    }

    /// <summary>The decimal text of <paramref name="value"/>.</summary>
    public string Get(long value)
    {
        if ((ulong)value < Range)
        {
            return HeaderValues.Integer(value);
        }

        var below = _permit - value;
        if (_chunks is not null && (ulong)below < Range)
        {
            // Benign races, as in HeaderValues: two threads may both make a chunk or a string; either is correct.
            var chunk = _chunks[below >> ChunkBits] ??= new string?[ChunkSize];
            return chunk[below & (ChunkSize - 1)] ??= value.ToString(CultureInfo.InvariantCulture);
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }
}
