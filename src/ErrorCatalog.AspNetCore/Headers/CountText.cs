using System.Collections.Concurrent;
using System.Globalization;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The decimal text of a limit's counts (remaining, used) for headers, without a string per request.
/// </summary>
/// <remarks>
/// Requests' counts sit near 0 (<see cref="HeaderValues.Integer"/>'s table) or just below a large permit, so each large
/// permit gets a table of the values below it, filled lazily in chunks and shared by every limit with that permit.
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

        // Beyond MaxPermits (keys with their own limits from a store), counts are formatted per request rather than cached without end.
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
