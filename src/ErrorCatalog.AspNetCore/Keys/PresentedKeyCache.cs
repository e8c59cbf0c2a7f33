using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Recently presented keys that resolved, with their hashes, so a repeat request skips SHA-256, the largest single
/// cost of an admitted request; a lookup by the characters the request carried costs a string hash.
/// </summary>
/// <remarks>
/// <para>The trade-off, documented on <see cref="ApiKeyReadingOptions.HashCacheSize"/>: the keys themselves stay in
/// memory (as the strings requests carried) while cached, not only for the length of a request. Only keys that
/// resolved are added, so random keys cannot fill it; it is bounded and cleared when full. Lookups hash with
/// the process's randomized string hash and compare in constant time (<see cref="SecretComparer"/>), so an
/// attacker can neither aim probes at a cached key's bucket nor time the comparison.</para>
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
        _hashes = new ConcurrentDictionary<string, ApiKeyHash>(SecretComparer.Instance);
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

    /// <summary>
    /// Ordinal equality in constant time for keys of one length, and the randomized per-process string hash (the
    /// ordinal comparer's default hash is not randomized until collisions pile up).
    /// </summary>
    private sealed class SecretComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public static readonly SecretComparer Instance = new();

        public bool Equals(string? x, string? y) => x is not null && y is not null && Equals(x.AsSpan(), y);

        public int GetHashCode(string obj) => string.GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<char> alternate, string other) =>
            FixedTimeEquals(MemoryMarshal.AsBytes(alternate), MemoryMarshal.AsBytes(other.AsSpan()));

        public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate);

        public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();
    }

    /// <summary>
    /// Equality in time that depends on the length only: the XOR of each 8-byte word (then each byte left over) is
    /// OR-ed into one value, with no branch on the contents. Written here rather than calling
    /// <see cref="CryptographicOperations.FixedTimeEquals"/>, which is compiled without optimization on purpose and
    /// so costs several times more per byte on every admitted request.
    /// </summary>
    internal static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        ulong difference = 0;
        var i = 0;
        for (; i <= left.Length - sizeof(ulong); i += sizeof(ulong))
        {
            difference |= MemoryMarshal.Read<ulong>(left[i..]) ^ MemoryMarshal.Read<ulong>(right[i..]);
        }

        for (; i < left.Length; i++)
        {
            difference |= (uint)(left[i] ^ right[i]);
        }

        return difference == 0;
    }
}
