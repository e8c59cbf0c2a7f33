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

    // The counters of a call of fixed windows only, each once (by KEYS index), for the script's counter-by-counter
    // decision; and each item's counter in call order, to read that decision back.
    private Counter[] _counters = new Counter[16];
    private short[] _counterOf = new short[16];
    private short[] _itemCounters = new short[64];
    private int _items;
    private int _itemsRead;
    private int _counterCount;
    private bool _fixedOnly;
    private bool _sealed;
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
        _items = 0;
        _counterCount = 0;
        _fixedOnly = true;
        _sealed = false;
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
        if ((flags & 3) == 0)
        {
            Count(names.CurrentKey, (flags & 4) != 0 ? long.MaxValue : permit, cost, ttlMilliseconds);
        }
        else
        {
            _fixedOnly = false;
        }

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

    /// <summary>
    /// Reads a reply decided counter by counter (<see cref="RedisBatchScript.AllAdmitted"/>): each counter's count
    /// before the call, from which <see cref="NextCount"/> gives each item its own, in call order.
    /// </summary>
    public void ReadCounters(ReadOnlySpan<byte> counts)
    {
        if (!_sealed || !_fixedOnly || counts.Length != _counterCount * 8)
        {
            throw new InvalidOperationException($"The Redis counter script answered {counts.Length} bytes of counts for a call of {_counterCount} counters; is another version of this library sharing the prefix?");
        }

        for (var j = 0; j < _counterCount; j++)
        {
            _counters[j].Running = BinaryPrimitives.ReadInt64LittleEndian(counts[(j * 8)..]);
        }

        _itemsRead = 0;
    }

    /// <summary>The next item's count before its request (items in call order), its cost added for the items after it.</summary>
    public long NextCount(long cost)
    {
        ref var counter = ref _counters[_counterOf[_itemCounters[_itemsRead++]]];
        var before = counter.Running;
        counter.Running = before + cost;
        return before;
    }

    private void Count(int key, long permit, long cost, long ttl)
    {
        if (_items == _itemCounters.Length)
        {
            Array.Resize(ref _itemCounters, _items * 2);
        }

        _itemCounters[_items++] = (short)key;
        if (key >= _counterOf.Length)
        {
            Array.Resize(ref _counterOf, Math.Max(key + 1, _counterOf.Length * 2));
        }

        // A key this call has not counted yet: its entry in _counterOf is from an earlier call (or the first).
        var j = _counterOf[key];
        if (j >= _counterCount || _counters[j].Key != key)
        {
            if (_counterCount == _counters.Length)
            {
                Array.Resize(ref _counters, _counterCount * 2);
            }

            j = (short)_counterCount++;
            _counterOf[key] = j;
            _counters[j] = new Counter { Key = key, Permit = permit, Ttl = ttl };
        }

        ref var counter = ref _counters[j];
        counter.Permit = Math.Min(counter.Permit, permit);
        counter.Total += cost;
    }

    private void WriteHeader(long deadline)
    {
        if (!_sealed)
        {
            // Once per call: a call sent again (NOSCRIPT, a new deadline) keeps its counters.
            _sealed = true;
            var summary = _length + 1;
            if (!_fixedOnly)
            {
                _counterCount = 0;
            }

            for (var j = 0; j < _counterCount; j++)
            {
                var at = Reserve(RedisBatchScript.CounterSize);
                ref var counter = ref _counters[j];
                BinaryPrimitives.WriteInt16LittleEndian(at, (short)counter.Key);
                BinaryPrimitives.WriteInt64LittleEndian(at[2..], counter.Permit);
                BinaryPrimitives.WriteInt64LittleEndian(at[10..], counter.Ttl);
                BinaryPrimitives.WriteInt64LittleEndian(at[18..], counter.Total);
            }

            BinaryPrimitives.WriteInt16LittleEndian(_blob.AsSpan(12), (short)_counterCount);
            BinaryPrimitives.WriteInt32LittleEndian(_blob.AsSpan(14), summary);
        }

        var header = _blob.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(header, deadline);
        BinaryPrimitives.WriteInt16LittleEndian(header[8..], (short)Requests);
        BinaryPrimitives.WriteInt16LittleEndian(header[10..], (short)Releases);
    }

    private int AddKey(RedisKey key)
    {
        // Room for this key and, after the keys, the argument (Command): SHA, key count, keys, argument.
        if (_keys + 4 > _command.Length)
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

    private struct Counter
    {
        public int Key;
        public long Permit;
        public long Ttl;
        public long Total;
        public long Running;
    }
}
