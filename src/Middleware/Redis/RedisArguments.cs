using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The KEYS and ARGV arrays of one script call, pooled by shape (items, released leases). The client takes
/// arrays, not spans, and keeps them until the command is written, so they are rented for the whole call and
/// returned only once the reply has arrived; a call that fails drops its arrays to the GC rather than risk a
/// command still queued reading arrays another request refills.
/// </summary>
internal sealed class RedisArguments
{
    public const int MaxPooledItems = 8;
    public const int MaxReleases = 8;
    private const int PerShape = 64;

    private static readonly Shelf?[] Shelves = new Shelf?[(MaxPooledItems + 1) * (MaxReleases + 1)];

    private RedisArguments(int items, int releases)
    {
        Items = items;
        Releases = releases;
        Keys = new RedisKey[(2 * items) + releases];
        Values = new RedisValue[RedisBatchScript.Header + (items * RedisBatchScript.ArgumentsPerItem) + releases];
    }

    public int Items { get; }

    public int Releases { get; }

    public RedisKey[] Keys { get; }

    public RedisValue[] Values { get; }

    /// <summary>The call's concurrency lease member (0: none).</summary>
    public long LeaseId { get; set; }

    /// <summary>Whether the call was sent again after a NOSCRIPT.</summary>
    public bool Retried { get; set; }

    public static RedisArguments Rent(int items, int releases)
    {
        if (items <= MaxPooledItems && releases <= MaxReleases && ShelfOf(items, releases).TryTake() is { } pooled)
        {
            return pooled;
        }

        return new RedisArguments(items, releases);
    }

    public void Return()
    {
        if (Items <= MaxPooledItems && Releases <= MaxReleases)
        {
            // Keys and members are left in place: overwritten by the next call of this shape, and they are names
            // the store keeps cached anyway.
            ShelfOf(Items, Releases).TryAdd(this);
        }
    }

    private static Shelf ShelfOf(int items, int releases)
    {
        var index = (items * (MaxReleases + 1)) + releases;
        return Volatile.Read(ref Shelves[index]) ?? Interlocked.CompareExchange(ref Shelves[index], new Shelf(), null) ?? Shelves[index]!;
    }

    /// <summary>A small locked stack: uncontended most of the time, and allocation-free unlike the concurrent collections.</summary>
    private sealed class Shelf
    {
        private readonly Lock _lock = new();
        private readonly RedisArguments?[] _items = new RedisArguments?[PerShape];
        private int _count;

        public RedisArguments? TryTake()
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                var item = _items[--_count];
                _items[_count] = null;
                return item;
            }
        }

        public void TryAdd(RedisArguments item)
        {
            lock (_lock)
            {
                if (_count < _items.Length)
                {
                    _items[_count++] = item;
                }
            }
        }
    }
}
