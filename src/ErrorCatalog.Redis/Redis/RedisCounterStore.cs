using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
/// <para>One command per request: a lease that ends rides on a later call (see <see cref="RedisCallSender"/>).</para>
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
internal sealed class RedisCounterStore : ICounterStore, IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisOptions _options;
    private readonly TimeSpan _concurrencyRetryAfter;
    private readonly long _leaseBase = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (1L << 31);
    private readonly RedisKeyNames _keys;
    private readonly RedisOutage _outage;
    private readonly RedisCallSender _sender;
    private readonly RedisClock _clock = new();
    private readonly ApiErrorCatalogMetrics _metrics;
    private readonly long _deadlineBudget;
    private long _leases;

    /// <summary>
    /// A store on <paramref name="connection"/> (made or adopted by <see cref="RedisConnection"/>, which disposes it),
    /// whose client gives up on an asynchronous command after <paramref name="asyncTimeout"/>.
    /// </summary>
    public RedisCounterStore(
        IConnectionMultiplexer connection, TimeSpan asyncTimeout, RedisOptions options, TimeSpan concurrencyRetryAfter, ILogger<RedisCounterStore> logger, ApiErrorCatalogMetrics metrics)
    {
        _options = options;
        _keys = new RedisKeyNames(options.Prefix);
        _concurrencyRetryAfter = concurrencyRetryAfter;
        _outage = new RedisOutage(logger);
        _metrics = metrics;

        // A call's deadline, from when it is sent: the client gives up no sooner than AsyncTimeout after writing it,
        // so a call Redis runs by the deadline is answered in time (a quarter, at least 10 ms where the timeout
        // allows, is left for the reply and the clock estimate's error), and one it runs later charges nothing for a
        // request already answered without it.
        var timeout = (long)asyncTimeout.TotalMilliseconds;
        _deadlineBudget = timeout - Math.Max(timeout / 4, Math.Min(10, timeout / 2));
        _connection = connection;
        _database = connection.GetDatabase();
        _sender = new RedisCallSender(_database, _outage, RedisKeyNames.Name(options.Prefix + "spare"));
    }

    /// <summary>Whether the multiplexer is connected (tests wait on it after restarting Redis).</summary>
    internal bool IsConnected => _connection.IsConnected;

    /// <summary>The estimate of Redis's clock that deadlines are written in (tests skew it).</summary>
    internal RedisClock Clock => _clock;

    public CounterBatch CreateBatch() => new RedisCounterBatch(this);

    public ValueTask<bool> AcquireAsync(CounterBatch batch)
    {
        var redis = (RedisCounterBatch)batch;
        return redis.DecideAsync(Begin(redis));
    }

    public void Release(CounterBatch batch)
    {
        if (!batch.HasLeases)
        {
            return;
        }

        // Admitted: every concurrency item of the batch holds the batch's lease member.
        var leaseId = ((RedisCounterBatch)batch).LeaseId;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Entry.Limit.Kind == LimitKind.Concurrency)
            {
                _sender.Queue(_keys.Get(item.Entry, -1).Current, leaseId);
            }
        }

        batch.HasLeases = false;
    }

    /// <summary>
    /// Rare (a request the framework refused before its endpoint ran), so it allocates its own call: the key of the
    /// window the batch charged (window keys are named by their index, so a later window is never touched), sent
    /// fire-and-forget on the same connection, so this instance's next call sees it done.
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

            (keys ??= []).Add(_keys.Get(item.Entry, limit.Window.Get(batch.Now).Index).Current);
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
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            // An outage: the request stays charged, as a refused refund must not wait or fail the request.
        }
    }

    /// <summary>A PING within the timeout (see <see cref="RedisHealth"/>).</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthStatus failureStatus, CancellationToken cancellationToken) =>
        RedisHealth.CheckAsync(_connection, _options, failureStatus, cancellationToken);

    /// <summary>Sends the releases still queued; the connection is <see cref="RedisConnection"/>'s to dispose, after this.</summary>
    public void Dispose() => _sender.Dispose();

    /// <summary>
    /// Reads a completed call's reply into the batch: null when decided, or the call sent again to wait for (after a
    /// NOSCRIPT, or a deadline the clock estimate set too early).
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">Redis did not answer, or answered too late to count.</exception>
    internal Task<RespResult>? Complete(RedisCounterBatch batch, Task<RespResult> reply)
    {
        var arguments = batch.Call!;
        if (!reply.IsCompletedSuccessfully)
        {
            Exception ex = reply.Exception?.InnerException ?? new TaskCanceledException(reply);
            if (ex is RedisServerException { Kind: RedisErrorKind.NoScript } && !arguments.Retried)
            {
                // Redis restarted and its script cache is empty: loaded again, then the same call once more.
                arguments.Retried = true;
                return _sender.Reload(arguments);
            }

            // The client copied the arguments when the call was made: the arrays can go back to the pool.
            batch.Call = null;
            _sender.RequeueFailed(arguments, RedisOutage.MayHaveRun(ex));
            arguments.Return();
            throw _outage.Failed(ex);
        }

        int outcome;
        long redisTime;
        using (var result = reply.Result)
        {
            outcome = RedisBatchReply.Read(result, batch, _concurrencyRetryAfter, out redisTime);
        }

        var sent = arguments.SentTick;
        var received = Environment.TickCount64;
        _metrics.RedisBatchAnswered(1, TimeSpan.FromMilliseconds(received - sent)); // one request per call, from send to reply
        if (outcome == RedisBatchReply.PastDeadline && received - sent < _deadlineBudget && !arguments.Retried)
        {
            // "Past its deadline", yet answered before the deadline could pass: the clock estimate was too small
            // (Redis's clock stepped ahead, or this host was suspended). Nothing was charged: learnt from this
            // reply, the same call goes again with a deadline that holds.
            _clock.Reset(redisTime, sent, received);
            arguments.Retried = true;
            arguments.SentTick = received;
            arguments.SetDeadline(Deadline(received));
            return _sender.Send(arguments);
        }

        _clock.Observe(redisTime, sent, received);

        // Read before the arguments go back to the pool: another request may rent and refill them at once.
        var leaseId = arguments.LeaseId;
        batch.Call = null;
        arguments.Return();
        if (outcome == RedisBatchReply.PastDeadline)
        {
            // Redis ran the call too late to count (it hung, or the reply was slow): charged nothing, and this
            // request gets the outage policy. The releases it carried have run.
            throw _outage.Failed(new TimeoutException("Redis ran the counter script after its deadline."));
        }

        _outage.Answered();
        LimitMath.Conclude(batch);
        if (outcome == RedisBatchReply.Admitted && leaseId != 0)
        {
            batch.LeaseId = leaseId;
            batch.HasLeases = true;
        }

        return null;
    }

    /// <summary>Writes the batch's call and sends it, with the releases waiting.</summary>
    private Task<RespResult> Begin(RedisCounterBatch batch)
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

        var arguments = RedisArguments.Rent(count, _sender.WaitingReleases, sliding);
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
                keys[i] = _keys.Get(item.Entry, -1).Current;
                arguments.WriteItem(i, 2 | overage, limit.PermitLimit, item.Cost, (long)_options.LeaseTimeout.TotalMilliseconds + 1000, 0);
            }
            else
            {
                var (index, start, end) = limit.Window.Get(now);
                var names = _keys.Get(item.Entry, index);
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

        batch.Call = arguments;
        _sender.NoteCall(sent);
        return _sender.TakeReleasesAndSend(arguments);
    }

    /// <summary>
    /// The deadline, in Redis's unix milliseconds, of a call sent at <paramref name="sentTick"/>; 0 (none) while
    /// Redis's clock is not known.
    /// </summary>
    private long Deadline(long sentTick) =>
        _clock.Offset is var offset && offset == RedisClock.Unknown ? 0 : sentTick + offset + _deadlineBudget;
}
