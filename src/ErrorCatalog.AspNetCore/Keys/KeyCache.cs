using System.Collections.Concurrent;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A key store's recent answers by key hash, unknown keys included, each until it expires or is invalidated.
/// </summary>
/// <remarks>
/// Every invalidation advances a generation. A lookup reads the generation before it asks the store and checks it
/// again after caching the answer: when an invalidation came in between, it takes its answer out again, so a lookup
/// that began before a revocation can never leave the old answer cached after it.
/// </remarks>
internal sealed class KeyCache
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<ApiKeyHash, Entry> _entries = new();
    private long _generation;

    public int Count => _entries.Count;

    /// <summary>The generation a lookup starts in; give it to <see cref="Add"/>.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public bool TryGet(ApiKeyHash hash, long now, out ResolvedKey? key)
    {
        if (_entries.TryGetValue(hash, out var entry) && entry.ExpiresAt > now)
        {
            key = entry.Key;
            return true;
        }

        key = null;
        return false;
    }

    /// <summary>Whether <paramref name="hash"/> is cached as a key that exists (expired or not).</summary>
    public bool HoldsKey(ApiKeyHash hash) => _entries.TryGetValue(hash, out var entry) && entry.Key is not null;

    /// <summary>Caches a store's answer, unless an invalidation came after <paramref name="generation"/>.</summary>
    public void Add(ApiKeyHash hash, ResolvedKey? key, long expiresAt, long generation)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // bounded: a flood of random keys cannot grow it without end
        }

        var entry = new Entry(key, expiresAt);
        _entries[hash] = entry;

        // Checked after writing: an invalidation that advanced the generation later removes the entry itself.
        if (Volatile.Read(ref _generation) != generation)
        {
            _entries.TryRemove(new KeyValuePair<ApiKeyHash, Entry>(hash, entry));
        }
    }

    /// <summary>Removes what <paramref name="invalidation"/> names; the next request for it asks the store again.</summary>
    public void Invalidate(in KeyInvalidation invalidation)
    {
        // Advanced first, so a lookup in flight either sees it or wrote its entry before the removal below.
        Interlocked.Increment(ref _generation);
        switch (invalidation.Kind)
        {
            case KeyInvalidationKind.Hash:
                _entries.TryRemove(invalidation.Hash, out _);
                break;
            case KeyInvalidationKind.KeyId:
                RemoveWhere(static (key, id) => key.Id == id, invalidation.Value!);
                break;
            case KeyInvalidationKind.Subscription:
                RemoveWhere(static (key, id) => key.SubscriptionId == id, invalidation.Value!);
                break;
            default:
                _entries.Clear();
                break;
        }
    }

    private void RemoveWhere(Func<ResolvedKey, string, bool> matches, string value)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (entry.Key is { } key && matches(key, value))
            {
                _entries.TryRemove(new KeyValuePair<ApiKeyHash, Entry>(hash, entry));
            }
        }
    }

    // A class, so removing a given entry compares references: a newer answer for the same hash stays.
    private sealed class Entry(ResolvedKey? key, long expiresAt)
    {
        public ResolvedKey? Key { get; } = key;

        public long ExpiresAt { get; } = expiresAt;
    }
}
