using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The KEYS and the one binary ARGV of a script call (layout in <see cref="RedisBatchScript"/>), pooled by shape
/// (items, released leases, sliding items). The client copies the arguments into its own pooled buffer when the
/// call is made; the arrays are still held until the reply, as a failed call reads them to queue its releases again
/// and a NOSCRIPT sends them once more.
/// </summary>
internal sealed class RedisArguments
{
    public const int MaxPooledItems = 8;
    public const int MaxReleases = 8;
    private const int PerShape = 64;

    private static readonly Shelf?[] Shelves = new Shelf?[(MaxPooledItems + 1) * (MaxReleases + 1) * (MaxPooledItems + 1)];

    private static readonly RedisValue Sha1Hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RedisBatchScript.Sha1));

    private static readonly RedisValue SourceValue = RedisBatchScript.Source;

    private readonly RedisKeyOrValue[] _command;

    private RedisArguments(int items, int releases, int sliding)
    {
        Items = items;
        Releases = releases;
        Sliding = sliding;
        Keys = new RedisKey[items + releases + sliding];
        Blob = new byte[RedisBatchScript.HeaderSize + (items * RedisBatchScript.ItemSize) + (releases * RedisBatchScript.MemberSize)];
        _command = new RedisKeyOrValue[Keys.Length + 3];
        _command[1] = (RedisValue)Keys.Length;
        _command[^1] = (RedisValue)Blob;
    }

    public int Items { get; }

    /// <summary>Room for released leases; <see cref="Carried"/> of them are filled.</summary>
    public int Releases { get; }

    public int Sliding { get; }

    public RedisKey[] Keys { get; }

    public byte[] Blob { get; }

    public int Carried { get; private set; }

    /// <summary>
    /// EVALSHA's arguments (EVAL's, by source, for the last releases at dispose): the script's SHA-1 in hex (or its
    /// source), the number of keys, the keys, the blob. Sent through the client's raw command API, which copies them
    /// into a pooled buffer and answers a pooled reply: no script message with its own iterator, no reply object
    /// tree, no byte array.
    /// </summary>
    public ReadOnlyMemory<RedisKeyOrValue> Command(bool bySource)
    {
        _command[0] = bySource ? SourceValue : Sha1Hex;
        for (var i = 0; i < Keys.Length; i++)
        {
            _command[2 + i] = Keys[i];
        }

        return _command;
    }

    /// <summary>The call's concurrency lease member (0: none).</summary>
    public long LeaseId { get; private set; }

    /// <summary>When the call was sent (<see cref="Environment.TickCount64"/>): its reply is a sample of Redis's clock.</summary>
    public long SentTick { get; set; }

    /// <summary>Whether the call was sent again after a NOSCRIPT.</summary>
    public bool Retried { get; set; }

    public static RedisArguments Rent(int items, int releases, int sliding)
    {
        if (items <= MaxPooledItems && releases <= MaxReleases && ShelfOf(items, releases, sliding).TryTake() is { } pooled)
        {
            return pooled;
        }

        return new RedisArguments(items, releases, sliding);
    }

    public void Return()
    {
        if (Items <= MaxPooledItems && Releases <= MaxReleases)
        {
            // Keys are left in place: overwritten by the next call of this shape, and they are names the store
            // keeps cached anyway.
            ShelfOf(Items, Releases, Sliding).TryAdd(this);
        }
    }

    /// <summary>
    /// The call's header. <paramref name="deadline"/> is in Redis's unix milliseconds (0: none): a call that Redis runs
    /// later than that charges nothing, as its request has been answered without it.
    /// </summary>
    public void WriteHeader(long now, long expiry, long deadline, long leaseId)
    {
        var blob = Blob.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(blob, now);
        BinaryPrimitives.WriteInt64LittleEndian(blob[8..], expiry);
        BinaryPrimitives.WriteInt64LittleEndian(blob[16..], deadline);
        BinaryPrimitives.WriteInt16LittleEndian(blob[24..], (short)Items);
        BinaryPrimitives.WriteInt16LittleEndian(blob[26..], 0);
        BinaryPrimitives.WriteInt16LittleEndian(blob[28..], (short)Releases);
        BinaryPrimitives.WriteInt64LittleEndian(blob[30..], leaseId);
        LeaseId = leaseId;
        Carried = 0;
        Retried = false;
    }

    /// <summary>A new deadline for a call sent again (see <see cref="WriteHeader"/>).</summary>
    public void SetDeadline(long deadline) => BinaryPrimitives.WriteInt64LittleEndian(Blob.AsSpan(16), deadline);

    public void WriteItem(int index, int flags, long permit, long cost, long ttlMilliseconds, double weight)
    {
        var item = Blob.AsSpan(RedisBatchScript.HeaderSize + (index * RedisBatchScript.ItemSize));
        item[0] = (byte)flags;
        BinaryPrimitives.WriteInt64LittleEndian(item[1..], permit);
        BinaryPrimitives.WriteInt64LittleEndian(item[9..], cost);
        BinaryPrimitives.WriteInt64LittleEndian(item[17..], ttlMilliseconds);
        BinaryPrimitives.WriteDoubleLittleEndian(item[25..], weight);
    }

    public int FlagsOf(int index) => Blob[RedisBatchScript.HeaderSize + (index * RedisBatchScript.ItemSize)];

    /// <summary>Fills the release slots from the queue; spare slots (another call took those releases) get a
    /// valid key and a zero member that the script never reads (it reads the first r, and finds the previous
    /// windows' keys after all s slots).</summary>
    public void TakeReleases(LeaseReleases releases, RedisKey spareKey)
    {
        var offset = RedisBatchScript.HeaderSize + (Items * RedisBatchScript.ItemSize);
        Carried = Releases == 0 ? 0 : releases.Take(Releases, Keys, Items, Blob.AsSpan(offset));
        BinaryPrimitives.WriteInt16LittleEndian(Blob.AsSpan(26), (short)Carried);
        for (var i = Carried; i < Releases; i++)
        {
            Keys[Items + i] = spareKey;
            BinaryPrimitives.WriteInt64LittleEndian(Blob.AsSpan(offset + (i * RedisBatchScript.MemberSize)), 0);
        }
    }

    /// <summary>The member of carried release <paramref name="index"/>.</summary>
    public long CarriedMember(int index) =>
        BinaryPrimitives.ReadInt64LittleEndian(Blob.AsSpan(RedisBatchScript.HeaderSize + (Items * RedisBatchScript.ItemSize) + (index * RedisBatchScript.MemberSize)));

    private static Shelf ShelfOf(int items, int releases, int sliding)
    {
        var index = (((items * (MaxReleases + 1)) + releases) * (MaxPooledItems + 1)) + sliding;
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
