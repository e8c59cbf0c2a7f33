using System.Collections.Concurrent;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Recently presented keys that resolved, with their hashes, so a repeat request skips SHA-256. Hashing is the
/// largest single cost of an admitted request (about 0.5 µs on Linux, most of it OpenSSL's per-call overhead);
/// a lookup by the characters the request carried costs a string hash.
/// </summary>
/// <remarks>
/// <para>The trade-off, documented on <see cref="ApiKeyReadingOptions.HashCacheSize"/>: the keys themselves stay in
/// memory (as the strings requests carried) while cached, not only for the length of a request. Only keys that
/// resolved are added, so random keys cannot fill it; it is bounded and cleared when full. Lookups use the
/// dictionary's randomized string hashing, so an attacker cannot aim probes at a cached key's bucket to time
/// the final comparison.</para>
/// <para>The cache maps a key to its hash only; the key's record, state and plan are still looked up by hash on
/// every request, so revoking or changing a key takes effect as before.</para>
/// </remarks>
internal sealed class PresentedKeyCache
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, ApiKeyHash> _hashes;
    private readonly ConcurrentDictionary<string, ApiKeyHash>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PresentedKeyCache(int capacity)
    {
        _capacity = capacity;
        _hashes = new ConcurrentDictionary<string, ApiKeyHash>(StringComparer.Ordinal);
        _lookup = _hashes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _hashes.Count;

    public bool TryGet(ReadOnlySpan<char> key, out ApiKeyHash hash) => _lookup.TryGetValue(key, out hash);

    public void Add(ReadOnlySpan<char> key, ApiKeyHash hash)
    {
        if (_hashes.Count >= _capacity)
        {
            _hashes.Clear();
        }

        _lookup.TryAdd(key, hash);
    }
}
