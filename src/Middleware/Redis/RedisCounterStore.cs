using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in Redis: a request's whole batch (IP, windows, credits, subscription total and key sub-limit,
/// concurrency leases) is decided and charged by one script call (EVALSHA), with the same rules as memory.
/// Window counters expire with their windows; leases are members of a sorted set scored by their expiry, so an
/// instance that dies leaks nothing past <see cref="RedisOptions.LeaseTimeout"/>.
/// </summary>
/// <remarks>
/// <para>One command per request: a lease that ends is queued and removed by this instance's next script call,
/// before that call decides, or by a timer once no request has come for <see cref="ReleaseDelay"/>. Other
/// instances therefore see a lease end up to that much later; this instance's next request sees it at once.</para>
/// <para>Outages: commands fail fast while disconnected (no backlog) and time out after <see cref="RedisOptions.Timeout"/>;
/// either way the store throws <see cref="CounterStoreUnavailableException"/> and the middleware applies the
/// outage policy. A call that timed out may still reach Redis (a hung server, a network that heals): it carries a
/// deadline in Redis's time (<see cref="RedisClock"/>), past which the script charges nothing, so a request refused
/// or admitted by the outage policy is not counted later. The multiplexer checks its connection on its heartbeat
/// and reconnects on its own, so counting resumes without a restart. Keys of one request live in different slots,
/// so this store needs a single primary (not a cluster).</para>
/// <para>Per request the store allocates only what the client itself needs for a command (its message, the task
/// and the reply): argument arrays are pooled, key names cached as bytes, the script is named by its SHA-1, its
/// arguments are one binary string and its reply another, and the timeout is the client's own rather than a timer
/// per call.</para>
/// </remarks>
internal sealed partial class RedisCounterStore : ICounterStore, IDisposable
{
    /// <summary>The longest a released lease waits for a script call to carry it.</summary>
    internal static readonly TimeSpan ReleaseDelay = TimeSpan.FromMilliseconds(50);

    private const int MaxCachedKeys = 200_000;

    /// <summary>The script's answer for a call Redis ran after its deadline (it did nothing but its releases).</summary>
    private const int PastDeadline = 2;

    private static readonly ReadOnlyMemory<RedisKeyOrValue> ScriptLoad = new RedisKeyOrValue[] { (RedisValue)"LOAD", (RedisValue)RedisBatchScript.Source };

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisOptions _options;
    private readonly TimeSpan _concurrencyRetryAfter;
    private readonly ILogger _logger;
    private readonly long _leaseBase = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (1L << 31);
    private readonly ConcurrentDictionary<(string Counter, object Owner), KeyNames> _keys = new();
    private readonly LeaseReleases _releases = new(4096);
    private readonly Timer _releaseTimer;
    private readonly RedisKey _spareKey;
    private readonly Lock _sendLock = new();
    private readonly RedisClock _clock = new();
    private readonly long _deadlineBudget;
    private long _lastBegin;
    private long _leases;
    private int _failing;
    private int _flushing;
    private int _releasesInFlight;

    public RedisCounterStore(RedisOptions options, TimeSpan concurrencyRetryAfter, ILogger<RedisCounterStore> logger)
    {
        _options = options;
        _spareKey = Name(options.Prefix + "spare");
        _concurrencyRetryAfter = concurrencyRetryAfter;
        _logger = logger;
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);

        // The client times out commands on its heartbeat, so a command fails between the async timeout and one
        // heartbeat later: both are set so that sum is the configured timeout. This bounds every wait without a
        // timer per call (WaitAsync cost a timer, a promise and a task per request).
        var timeout = Math.Max(20, options.Timeout.TotalMilliseconds);
        var heartbeat = Math.Clamp(timeout / 5, 10, 200);
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
        configuration.AsyncTimeout = (int)(timeout - heartbeat);

        // A call's deadline, from when it is sent: the client gives up no sooner than AsyncTimeout after writing it,
        // so a call Redis runs by the deadline is answered in time (a quarter, at least 10 ms where the timeout
        // allows, is left for the reply and the clock estimate's error), and one it runs later charges nothing for a
        // request already answered without it.
        var asyncTimeout = configuration.AsyncTimeout;
        _deadlineBudget = asyncTimeout - Math.Max(asyncTimeout / 4, Math.Min(10, asyncTimeout / 2));
        configuration.SyncTimeout = (int)timeout;
        configuration.ConnectTimeout = (int)Math.Max(100, timeout * 4);
        _connection = ConnectionMultiplexer.Connect(configuration);
        _database = _connection.GetDatabase();
        _releaseTimer = new Timer(static state => ((RedisCounterStore)state!).FlushReleases(), this, ReleaseDelay, ReleaseDelay);
    }

    /// <summary>Whether the multiplexer is connected (tests wait on it after restarting Redis).</summary>
    internal bool IsConnected => _connection.IsConnected;

    /// <summary>The estimate of Redis's clock that deadlines are written in (tests skew it).</summary>
    internal RedisClock Clock => _clock;

    public Task? Begin(CounterBatch batch)
    {
        var count = batch.Count;
        var now = batch.Now;
        var sliding = 0;
        var leaseId = 0L;
        for (var i = 0; i < count; i++)
        {
            var limit = batch[i].Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency)
            {
                leaseId = leaseId != 0 ? leaseId : _leaseBase + Interlocked.Increment(ref _leases);
            }
            else if (limit.Sliding)
            {
                sliding++;
            }
        }

        var arguments = RedisArguments.Rent(count, Math.Min(RedisArguments.MaxReleases, _releases.Count), sliding);
        var keys = arguments.Keys;
        var sent = Environment.TickCount64;
        arguments.SentTick = sent;
        arguments.WriteHeader(now.ToUnixTimeMilliseconds(), (now + _options.LeaseTimeout).ToUnixTimeMilliseconds(), Deadline(sent), leaseId);
        var previous = count + arguments.Releases;
        for (var i = 0; i < count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            var overage = item.OverageAllowed ? 4 : 0;
            if (limit.Kind == LimitKind.Concurrency)
            {
                keys[i] = Keys(item.Entry, -1).Current;
                arguments.WriteItem(i, 2 | overage, limit.PermitLimit, item.Cost, (long)_options.LeaseTimeout.TotalMilliseconds + 1000, 0);
            }
            else
            {
                var (index, start, end) = limit.Window.Get(now);
                var names = Keys(item.Entry, index);
                keys[i] = names.Current;
                if (limit.Sliding)
                {
                    keys[previous++] = names.Previous;
                }

                // Kept one more window when sliding: the next window still weighs this one.
                var ttl = (end - now) + (limit.Sliding ? end - start : TimeSpan.Zero) + TimeSpan.FromSeconds(1);
                var weight = limit.Sliding ? 1 - ((double)(now - start).Ticks / (end - start).Ticks) : 0;
                arguments.WriteItem(i, (limit.Sliding ? 1 : 0) | overage, limit.PermitLimit, item.Cost, (long)ttl.TotalMilliseconds, weight);
            }
        }

        batch.StoreState = arguments;
        if (Volatile.Read(ref _lastBegin) != sent)
        {
            Volatile.Write(ref _lastBegin, sent);
        }

        return TakeReleasesAndSend(arguments);
    }

    public Task? Complete(CounterBatch batch, Task pending)
    {
        var arguments = (RedisArguments)batch.StoreState!;
        var reply = (Task<RespResult>)pending;
        if (!reply.IsCompletedSuccessfully)
        {
            Exception ex = reply.Exception?.InnerException ?? new TaskCanceledException(reply);
            if (ex is RedisServerException { Kind: RedisErrorKind.NoScript } && !arguments.Retried)
            {
                // Redis restarted and its script cache is empty: loaded again, then the same call once more.
                arguments.Retried = true;
                return Reload(arguments);
            }

            // The client copied the arguments when the call was made: the arrays can go back to the pool.
            batch.StoreState = null;
            RequeueFailed(arguments, MayHaveRun(ex));
            arguments.Return();
            throw Unavailable(ex);
        }

        int outcome;
        long redisTime;
        using (var result = reply.Result)
        {
            outcome = Read(result, batch, batch.Now, out redisTime);
        }

        var sent = arguments.SentTick;
        var received = Environment.TickCount64;
        if (outcome == PastDeadline && received - sent < _deadlineBudget && !arguments.Retried)
        {
            // "Past its deadline", yet answered before the deadline could pass: the clock estimate was too small
            // (Redis's clock stepped ahead, or this host was suspended). Nothing was charged: learnt from this
            // reply, the same call goes again with a deadline that holds.
            _clock.Reset(redisTime, sent, received);
            arguments.Retried = true;
            arguments.SentTick = received;
            arguments.SetDeadline(Deadline(received));
            return Send(arguments);
        }

        _clock.Observe(redisTime, sent, received);

        // Read before the arguments go back to the pool: another request may rent and refill them at once.
        var leaseId = arguments.LeaseId;
        batch.StoreState = null;
        arguments.Return();
        if (outcome == PastDeadline)
        {
            // Redis ran the call too late to count (it hung, or the reply was slow): charged nothing, and this
            // request gets the outage policy. The releases it carried have run.
            throw Unavailable(new TimeoutException("Redis ran the counter script after its deadline."));
        }

        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.Recovered(_logger);
        }

        var admitted = outcome == 1;

        LimitMath.Conclude(batch);
        if (admitted && leaseId != 0)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                ref var item = ref batch[i];
                if (item.Entry.Limit.Kind == LimitKind.Concurrency)
                {
                    item.LeaseId = leaseId;
                    item.Leased = true;
                    batch.HasLeases = true;
                }
            }
        }

        return null;
    }

    public void Release(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Leased)
            {
                // Thousands of releases waiting means the timer cannot keep up: Queue removes this one directly.
                // If that is lost too (an outage), the lease expires by its score.
                Queue(Keys(item.Entry, -1).Current, item.LeaseId);
                item.Leased = false;
            }
        }

        batch.HasLeases = false;
    }

    /// <summary>
    /// Rare (a request the framework refused before its endpoint ran), so it allocates its own call: the key of the
    /// window <see cref="Begin"/> charged (window keys are named by their index, so a later window is never touched),
    /// sent fire-and-forget on the same connection, so this instance's next call sees it done.
    /// </summary>
    public void Refund(CounterBatch batch, DateTimeOffset now)
    {
        List<RedisKey>? keys = null;
        List<RedisValue>? credits = null;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind != LimitKind.Credits || item.Cost <= 0 || now >= item.ResetAt)
            {
                continue;
            }

            (keys ??= []).Add(Keys(item.Entry, limit.Window.Get(batch.Now).Index).Current);
            (credits ??= []).Add(item.Cost);
        }

        if (keys is null || credits is null)
        {
            return;
        }

        try
        {
            _database.ScriptEvaluate(RedisRefundScript.Source, [.. keys], [.. credits], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // An outage: the request stays charged, as a refused refund must not wait or fail the request.
        }
    }

    public void Dispose()
    {
        _releaseTimer.Dispose();

        // Best effort: the releases still queued go out now, so other instances need not wait for LeaseTimeout.
        while (_releases.Count > 0)
        {
            var arguments = RentReleaseCall();
            arguments.TakeReleases(_releases, _spareKey);
            try
            {
                // Fire and forget: no reply to dispose. By source, as a restarted Redis may not hold the script.
                _ = _database.ExecuteResp("EVAL", arguments.Command(bySource: true), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                break; // an outage: the leases expire by their scores
            }
        }

        _connection.Dispose(); // lets written commands complete
    }

    /// <summary>
    /// Fills the call's release slots and sends it. A release taken by one call must reach Redis before any call
    /// that counts on it: a client's next request may be decided on another thread than the one that carries its
    /// previous request's release. So a call that carries releases is counted in flight from before it takes them
    /// until it is written, and takes and sends under a lock; a call sent meanwhile takes the lock too, and so goes
    /// after it. Calls without releases, with none in flight, take no lock.
    /// </summary>
    private Task<RespResult> TakeReleasesAndSend(RedisArguments arguments)
    {
        if (arguments.Releases == 0 && Volatile.Read(ref _releasesInFlight) == 0)
        {
            arguments.TakeReleases(_releases, _spareKey);
            return Send(arguments);
        }

        Interlocked.Increment(ref _releasesInFlight);
        try
        {
            lock (_sendLock)
            {
                arguments.TakeReleases(_releases, _spareKey);
                return Send(arguments);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _releasesInFlight);
        }
    }

    /// <summary>A call that only carries queued releases (no items), sized for those waiting.</summary>
    private RedisArguments RentReleaseCall()
    {
        var arguments = RedisArguments.Rent(0, Math.Min(RedisArguments.MaxReleases, _releases.Count), 0);
        arguments.WriteHeader(0, 0, 0, 0);
        return arguments;
    }

    /// <summary>
    /// The deadline, in Redis's unix milliseconds, of a call sent at <paramref name="sentTick"/>; 0 (none) while
    /// Redis's clock is not known.
    /// </summary>
    private long Deadline(long sentTick) =>
        _clock.Offset is var offset && offset == RedisClock.Unknown ? 0 : sentTick + offset + _deadlineBudget;

    /// <summary>EVALSHA: the script named by its SHA-1.</summary>
    private Task<RespResult> Send(RedisArguments arguments)
    {
        try
        {
            return _database.ExecuteRespAsync("EVALSHA", arguments.Command(bySource: false));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            RequeueFailed(arguments, mayHaveRun: false); // refused before anything was written
            throw Unavailable(ex);
        }
    }

    private CounterStoreUnavailableException Unavailable(Exception ex)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.Unavailable(_logger, ex);
        }

        return new CounterStoreUnavailableException("The Redis counters did not answer.", ex);
    }

    /// <summary>
    /// EVALSHA found no script: Redis restarted (or its script cache was flushed). SCRIPT LOAD, then the same
    /// EVALSHA: one connection runs them in order, so the call finds the script. Loaded rather than sent by source
    /// with EVAL, whose scripts Redis may evict when other clients send many of their own.
    /// </summary>
    private Task<RespResult> Reload(RedisArguments arguments)
    {
        try
        {
            _ = _database.ExecuteResp("SCRIPT", ScriptLoad, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            RequeueFailed(arguments, mayHaveRun: false);
            throw Unavailable(ex);
        }

        return Send(arguments);
    }

    /// <summary>
    /// Reads the reply (see <see cref="RedisBatchScript"/>) into the batch: 1 admitted, 0 refused,
    /// <see cref="PastDeadline"/> not run; and Redis's time when the script ran.
    /// </summary>
    private int Read(RespResult reply, CounterBatch batch, DateTimeOffset now, out long redisTime)
    {
        var reader = reply.ReadScalar();
        if (!reader.TryGetSpan(out var bytes))
        {
            throw new InvalidOperationException("The Redis counter script answered a reply that is not one string.");
        }

        var outcome = bytes.Length > 0 ? bytes[0] : -1;
        var expected = 9;
        if (outcome == 0 || outcome == 1)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                expected += batch[i].Entry.Limit is { Kind: not LimitKind.Concurrency, Sliding: true } ? 16 : 8;
            }
        }
        else if (outcome != PastDeadline)
        {
            throw new InvalidOperationException($"The Redis counter script answered outcome {outcome}, which this version does not know.");
        }

        if (bytes.Length != expected)
        {
            throw new InvalidOperationException($"The Redis counter script answered {bytes.Length} bytes where {expected} were expected.");
        }

        redisTime = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
        if (outcome == PastDeadline)
        {
            return outcome;
        }

        var at = 9;
        for (var i = 0; i < batch.Count; i++)
        {
            var current = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
            at += 8;
            var previous = 0L;
            if (batch[i].Entry.Limit is { Kind: not LimitKind.Concurrency, Sliding: true })
            {
                previous = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
                at += 8;
            }

            LimitMath.Evaluate(ref batch[i], now, current, previous, _concurrencyRetryAfter);
        }

        return outcome;
    }

    /// <summary>
    /// Sends the releases no request carried (timer, every <see cref="ReleaseDelay"/>), only once requests have
    /// stopped for that long: while they come, they carry the releases.
    /// </summary>
    private void FlushReleases()
    {
        if (_releases.Count == 0 || Environment.TickCount64 - Volatile.Read(ref _lastBegin) < ReleaseDelay.TotalMilliseconds
            || Interlocked.Exchange(ref _flushing, 1) == 1)
        {
            return;
        }

        _ = FlushReleasesAsync();
    }

    private async Task FlushReleasesAsync()
    {
        try
        {
            while (_releases.Count > 0)
            {
                var arguments = RentReleaseCall();
                Task<RespResult> call;
                try
                {
                    call = TakeReleasesAndSend(arguments);
                }
                catch (CounterStoreUnavailableException)
                {
                    return; // nothing written; Send queued the releases again for the next call or tick
                }

                try
                {
                    try
                    {
                        (await call.ConfigureAwait(false)).Dispose();
                    }
                    catch (RedisServerException ex) when (ex.Kind == RedisErrorKind.NoScript)
                    {
                        // After a Redis restart. A request sent meanwhile may overtake these releases: it may be
                        // refused once by a lease already ended, and the next one sees it gone.
                        (await Reload(arguments).ConfigureAwait(false)).Dispose();
                    }
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException or CounterStoreUnavailableException)
                {
                    // An outage: queued again for the next call or tick. A retry refused before it was written has
                    // been queued again by Send. The client copied the arguments: the arrays go back to the pool.
                    if (ex is not CounterStoreUnavailableException)
                    {
                        RequeueFailed(arguments, MayHaveRun(ex));
                    }

                    arguments.Return();
                    return;
                }

                arguments.Return();
            }
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    /// <summary>
    /// A script call failed. The releases it carried may not have run: they are queued again. And the call may still
    /// run (a timeout leaves it written, and a hung Redis runs it once it answers again); past its deadline it takes
    /// no lease, but before the first reply there is no deadline (the clock is not known yet), and its lease would
    /// then be held by no request until <see cref="RedisOptions.LeaseTimeout"/>, so its removal is queued too. Both ride on a
    /// later call on the same connection, which Redis runs after this one; ZREM is idempotent and lease members are
    /// unique, so removing what was never added, or twice, is harmless.
    /// </summary>
    private void RequeueFailed(RedisArguments arguments, bool mayHaveRun)
    {
        var n = arguments.Items;
        for (var j = 0; j < arguments.Carried; j++)
        {
            Queue(arguments.Keys[n + j], arguments.CarriedMember(j));
        }

        if (mayHaveRun && arguments.LeaseId != 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (arguments.FlagsOf(i) % 4 == 2)
                {
                    Queue(arguments.Keys[i], arguments.LeaseId);
                }
            }
        }
    }

    /// <summary>False when the client had no connection to write the call to (fail-fast while disconnected).</summary>
    private static bool MayHaveRun(Exception ex) =>
        ex is not RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection };

    private void Queue(RedisKey key, long member)
    {
        if (!_releases.TryAdd(key, member))
        {
            SendRelease(key, member);
        }
    }

    private void SendRelease(RedisKey key, long member)
    {
        try
        {
            var bytes = new byte[RedisBatchScript.MemberSize];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, member);
            _database.SortedSetRemove(key, bytes, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // The lease expires by its score.
        }
    }

    /// <summary>
    /// The Redis keys of a limit's counter in a window (index -1: the lease set), cached per owner (key,
    /// subscription, client IP) until the window changes, so a request builds no key strings. Bounded: a flood of
    /// distinct IPs clears the cache rather than growing it.
    /// </summary>
    private KeyNames Keys(in LimitEntry entry, long index)
    {
        // A key's and a subscription's entries are built once per key: their names live in the entry's slot.
        var limit = entry.Limit;
        if (entry.Slot?.Value is KeyNames slotted && slotted.Index == index && slotted.Store == this)
        {
            return slotted;
        }

        if (_keys.TryGetValue((limit.CounterName, entry.Partition), out var cached) && cached.Index == index)
        {
            if (entry.Slot is { } slot)
            {
                slot.Value = cached;
            }

            return cached;
        }

        var partition = entry.PartitionName.Length > 0 ? entry.PartitionName : entry.Partition.ToString();
        var prefix = $"{_options.Prefix}{limit.CounterName}:{partition}:";
        var names = index < 0
            ? new KeyNames(this, index, Name(prefix + "leases"), default)
            : new KeyNames(this, index, Name(prefix + index.ToString(CultureInfo.InvariantCulture)), Name(prefix + (index - 1).ToString(CultureInfo.InvariantCulture)));
        if (_keys.Count >= MaxCachedKeys)
        {
            _keys.Clear(); // idle owners' names go; active ones come back on their next request
        }

        _keys[(limit.CounterName, entry.Partition)] = names;
        if (entry.Slot is { } own)
        {
            own.Value = names;
        }

        return names;
    }

    /// <summary>A key name as its UTF-8 bytes, so the client writes it without encoding it on every request.</summary>
    private static RedisKey Name(string name) => Encoding.UTF8.GetBytes(name);

    private sealed record KeyNames(RedisCounterStore Store, long Index, RedisKey Current, RedisKey Previous);

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "The Redis counters are unavailable; applying the outage policy until they answer", EventName = "RedisUnavailable")]
        public static partial void Unavailable(ILogger logger, Exception exception);

        [LoggerMessage(21, LogLevel.Information, "The Redis counters answer again", EventName = "RedisRecovered")]
        public static partial void Recovered(ILogger logger);
    }
}
