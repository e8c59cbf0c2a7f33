using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// One script call being built or in flight on a lane (layout in <see cref="RedisBatchScript"/>): its requests, the
/// releases it carries, each key once, and the one binary argument. A lane has one and reuses it for every call, as
/// it has one call in flight at a time; the client copies the arguments when the call is made, and they stay here
/// until the reply, as a NOSCRIPT sends them again and a failed call queues its releases again.
/// </summary>
internal sealed class RedisCall
{
    private static readonly RedisValue Sha1Hex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RedisBatchScript.Sha1));
    private static readonly RedisValue SourceValue = RedisBatchScript.Source;
    private static long s_stamps;

    private byte[] _blob = new byte[256];
    private RedisKeyOrValue[] _command = new RedisKeyOrValue[16];
    private RedisKey[] _keyNames = new RedisKey[16];
    private (RedisKey Key, long Member)[] _releases = new (RedisKey, long)[RedisLane.MaxReleasesPerCall];
    private int _length;
    private int _keys;
    private long _stamp;
    private RedisCounterBatch? _last;

    private RedisCounterBatch? _first;

    public int Requests { get; private set; }

    public int Releases { get; private set; }

    /// <summary>When the call was sent (<see cref="Environment.TickCount64"/>): its reply is a sample of Redis's clock.</summary>
    public long SentTick { get; set; }

    /// <summary>When the call was sent (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for its duration.</summary>
    public long SentTimestamp { get; set; }

    /// <summary>Whether the call was sent again after a NOSCRIPT.</summary>
    public bool Retried { get; set; }

    /// <summary>Starts a new call: no requests, releases or keys.</summary>
    public void Begin()
    {
        _length = RedisBatchScript.HeaderSize;
        _keys = 0;
        _stamp = Interlocked.Increment(ref s_stamps);
        _first = _last = null;
        Requests = 0;
        Releases = 0;
        Retried = false;
    }

    /// <summary>Carries a lease this instance ended: removed by the script before it decides.</summary>
    public void AddRelease(RedisKey key, long member)
    {
        _releases[Releases++] = (key, member);
        var at = Reserve(RedisBatchScript.ReleaseSize);
        BinaryPrimitives.WriteInt16LittleEndian(at, (short)AddKey(key));
        BinaryPrimitives.WriteInt64LittleEndian(at[2..], member);
    }

    /// <summary>The releases carried, read back when the call failed and they must be queued again.</summary>
    public (RedisKey Key, long Member) ReleaseAt(int index) => _releases[index];

    /// <summary>Adds a request's part (its items from <see cref="RedisCounterBatch.PartStart"/> to <see cref="RedisCounterBatch.PartEnd"/>).</summary>
    public void AddRequest(RedisCounterBatch batch, long now, long expiry)
    {
        var at = Reserve(RedisBatchScript.RequestSize);
        BinaryPrimitives.WriteInt64LittleEndian(at, now);
        BinaryPrimitives.WriteInt64LittleEndian(at[8..], expiry);
        BinaryPrimitives.WriteInt16LittleEndian(at[16..], (short)(batch.PartEnd - batch.PartStart));
        BinaryPrimitives.WriteInt64LittleEndian(at[18..], batch.LeaseId);
        batch.NextInCall = null;
        if (_last is null)
        {
            _first = batch;
        }
        else
        {
            _last.NextInCall = batch;
        }

        _last = batch;
        Requests++;
    }

    /// <summary>Takes the call's next request, in the order the script decides them; null when none is left.</summary>
    public RedisCounterBatch? TakeNext()
    {
        var batch = _first;
        if (batch is not null)
        {
            _first = batch.NextInCall;
            _last = _first is null ? null : _last;
            batch.NextInCall = null;
        }

        return batch;
    }

    public void AddItem(int flags, long permit, long cost, long ttlMilliseconds, double weight, RedisNames names, bool sliding)
    {
        var at = Reserve(RedisBatchScript.ItemSize);
        at[0] = (byte)flags;
        BinaryPrimitives.WriteInt64LittleEndian(at[1..], permit);
        BinaryPrimitives.WriteInt64LittleEndian(at[9..], cost);
        BinaryPrimitives.WriteInt64LittleEndian(at[17..], ttlMilliseconds);
        BinaryPrimitives.WriteDoubleLittleEndian(at[25..], weight);

        // Each key once per call: the names remember where this build put them.
        if (names.CurrentStamp != _stamp)
        {
            names.CurrentStamp = _stamp;
            names.CurrentKey = AddKey(names.Current);
        }

        BinaryPrimitives.WriteInt16LittleEndian(at[33..], (short)names.CurrentKey);
        var previous = 0;
        if (sliding)
        {
            if (names.PreviousStamp != _stamp)
            {
                names.PreviousStamp = _stamp;
                names.PreviousKey = AddKey(names.Previous);
            }

            previous = names.PreviousKey;
        }

        BinaryPrimitives.WriteInt16LittleEndian(at[35..], (short)previous);
    }

    /// <summary>
    /// EVALSHA's arguments (EVAL's, by source, for the last releases at dispose): the script's SHA-1 in hex (or its
    /// source), the number of keys, the keys, the argument. Sent through the client's raw command API, which copies
    /// them into a pooled buffer and answers a pooled reply.
    /// </summary>
    public ReadOnlyMemory<RedisKeyOrValue> Command(long deadline, bool bySource)
    {
        WriteHeader(deadline);
        _command[0] = bySource ? SourceValue : Sha1Hex;
        _command[1] = (RedisValue)_keys;
        _command[_keys + 2] = (RedisValue)new ReadOnlyMemory<byte>(_blob, 0, _length);
        return new ReadOnlyMemory<RedisKeyOrValue>(_command, 0, _keys + 3);
    }

    /// <summary>
    /// The keys and the argument as new arrays, for the client's script API: on a cluster it follows the redirects
    /// of a slot being moved (MOVED, ASK) and loads the script on the node that lacks it, which its raw command API
    /// does not.
    /// </summary>
    public (RedisKey[] Keys, RedisValue[] Values) Arguments(long deadline)
    {
        WriteHeader(deadline);
        return (_keyNames.AsSpan(0, _keys).ToArray(), [_blob.AsSpan(0, _length).ToArray()]);
    }

    private void WriteHeader(long deadline)
    {
        var header = _blob.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(header, deadline);
        BinaryPrimitives.WriteInt16LittleEndian(header[8..], (short)Requests);
        BinaryPrimitives.WriteInt16LittleEndian(header[10..], (short)Releases);
    }

    private int AddKey(RedisKey key)
    {
        if (_keys + 3 > _command.Length)
        {
            Array.Resize(ref _command, _command.Length * 2);
            Array.Resize(ref _keyNames, _command.Length);
        }

        _command[2 + _keys] = key;
        _keyNames[_keys] = key;
        return ++_keys; // Lua's KEYS are 1-based
    }

    private Span<byte> Reserve(int size)
    {
        if (_length + size > _blob.Length)
        {
            Array.Resize(ref _blob, Math.Max(_blob.Length * 2, _length + size));
        }

        var span = _blob.AsSpan(_length, size);
        _length += size;
        return span;
    }
}
