using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The keys of one counter in one window, with what this instance last learnt of that counter from Redis's replies
/// (for refusing locally) and where the call being built put them (so a call names each key once).
/// </summary>
/// <param name="owner">Which store's cache made it (an entry's slot may hold another store's names in tests).</param>
/// <param name="index">The window's index; -1 for a lease set.</param>
/// <param name="current">The window's counter (or the lease set).</param>
/// <param name="previous">The previous window's counter (sliding windows read it).</param>
/// <param name="slot">The cluster hash slot of both keys (they share a hash tag).</param>
internal sealed class RedisNames(RedisKeyNames owner, long index, RedisKey current, RedisKey previous, int slot)
{
    /// <summary>How long a reply's figures may refuse requests locally before the next request asks Redis again.</summary>
    public const long FreshMilliseconds = 1000;

    private long _known = -1;
    private long _knownPrevious;
    private long _observed;

    public RedisKeyNames Owner { get; } = owner;

    public long Index { get; } = index;

    public RedisKey Current { get; } = current;

    public RedisKey Previous { get; } = previous;

    public int Slot { get; } = slot;

    /// <summary>The build that last placed <see cref="Current"/> in a call's KEYS, and where (1-based).</summary>
    /// <remarks>Read and written only by the one thread building a call for this slot's lane.</remarks>
    public long CurrentStamp;

    public int CurrentKey;

    public long PreviousStamp;

    public int PreviousKey;

    /// <summary>Whether a reply has told this instance the counter's use in this window.</summary>
    public bool IsKnown => Volatile.Read(ref _known) >= 0;

    /// <summary>
    /// The use of this window the last reply showed (charges of every instance included). Within a window a counter
    /// only rises (charges given back aside), so it is never above the true count: a request it refuses, Redis would too.
    /// </summary>
    public long Known => Volatile.Read(ref _known);

    /// <summary>The previous window's use, as the last reply showed it (sliding windows).</summary>
    public long KnownPrevious => Volatile.Read(ref _knownPrevious);

    /// <summary>
    /// Learns the counter's use from a reply. Replies for one counter come in order (its slot's lane has one call in
    /// flight), so the latest is the truest, a lower figure included (charges given back).
    /// </summary>
    public void Observe(long used, long previous)
    {
        Volatile.Write(ref _knownPrevious, previous);
        Volatile.Write(ref _known, used);
        Volatile.Write(ref _observed, Environment.TickCount64);
    }

    /// <summary>
    /// Whether a reply told this counter's use within <see cref="FreshMilliseconds"/> of <paramref name="now"/>
    /// (<see cref="Environment.TickCount64"/>): what may refuse a request without asking Redis.
    /// </summary>
    public bool IsFresh(long now) => IsKnown && now - Volatile.Read(ref _observed) < FreshMilliseconds;

    /// <summary>This instance gave credits back: what it knows drops with them, so it never refuses what Redis would admit.</summary>
    public void GiveBack(long credits)
    {
        if (IsKnown)
        {
            Interlocked.Add(ref _known, -Math.Min(credits, Known));
        }
    }
}
