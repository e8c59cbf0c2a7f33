using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Redis keys of a limit's counter in a window (index -1: the lease set), cached per owner (key, subscription,
/// client IP) until the window changes, so a request builds no key strings. Bounded: a flood of distinct IPs clears
/// the cache rather than growing it.
/// </summary>
/// <remarks>
/// Every name carries its owner's group as a hash tag (<c>ec:{acme}:minute:key-1:29012345</c>): a key's counters and
/// its subscription's share the subscription's tag, so on Redis Cluster what one script call decides together lives in
/// one slot. A client IP is a group of its own.
/// </remarks>
internal sealed class RedisKeyNames(string prefix, Func<RedisKey, int> slotOf)
{
    private const int MaxCachedKeys = 200_000;

    // The group is part of the key: a key moved to another subscription (a key store's change, a reload) gets names in
    // its new group's slot, never its old names beside its new subscription's (a cross-slot call on Redis Cluster).
    private readonly ConcurrentDictionary<(string Counter, object Owner, string? Group), RedisNames> _cache = new();

    /// <summary>The key of an owner's window counter (and the previous window's), or of its lease set (index -1).</summary>
    public RedisNames Get(in LimitEntry entry, long index)
    {
        // A key's and a subscription's entries are built once per key: their names live in the entry's slot.
        var limit = entry.Limit;
        if (entry.Slot?.Value is RedisNames slotted && slotted.Index == index && slotted.Owner == this)
        {
            return slotted;
        }

        if (_cache.TryGetValue((limit.CounterName, entry.Partition, entry.Group), out var cached) && cached.Index == index)
        {
            if (entry.Slot is { } slot)
            {
                slot.Value = cached;
            }

            return cached;
        }

        var partition = entry.PartitionName.Length > 0 ? entry.PartitionName : entry.Partition.ToString();
        var start = $"{prefix}{{{entry.Group ?? partition}}}:{limit.CounterName}:{partition}:";
        var current = Name(start + (index < 0 ? "leases" : index.ToString(CultureInfo.InvariantCulture)));
        var previous = index < 0 ? default : Name(start + (index - 1).ToString(CultureInfo.InvariantCulture));
        var names = new RedisNames(this, index, current, previous, slotOf(current));
        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear(); // idle owners' names go; active ones come back on their next request
        }

        _cache[(limit.CounterName, entry.Partition, entry.Group)] = names;
        if (entry.Slot is { } own)
        {
            own.Value = names;
        }

        return names;
    }

    /// <summary>A key name as its UTF-8 bytes, so the client writes it without encoding it on every request.</summary>
    public static RedisKey Name(string name) => Encoding.UTF8.GetBytes(name);
}
