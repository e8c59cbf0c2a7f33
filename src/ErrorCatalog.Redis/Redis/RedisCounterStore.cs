using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in Redis: a request's whole batch (IP, windows, credits, subscription total and key sub-limit,
/// concurrency leases) is decided by the batch script with the same rules as memory, and requests that come while a
/// call is in flight share the next call (<see cref="RedisLane"/>). Window counters expire with their windows; leases
/// are members of a sorted set scored by their expiry, so an instance that dies leaks nothing past
/// <see cref="RedisOptions.LeaseTimeout"/>.
/// </summary>
/// <remarks>
/// <para>Refusals without Redis: every reply tells this instance each counter's use (<see cref="RedisNames.Known"/>),
/// charges of other instances included; a request that use already refuses is refused here, until its window ends.</para>
/// <para>Redis Cluster: a key's counters and its subscription's share a hash tag, so they are decided in one call; a
/// request whose IP limit lives in another slot is decided slot by slot, the key's first, and a slot that refuses (or
/// cannot answer) has what the earlier slots charged given back.</para>
/// <para>Outages: commands fail fast while disconnected (no backlog) and time out on the client's heartbeat; the
/// store then throws <see cref="CounterStoreUnavailableException"/> and the middleware applies the outage policy. A
/// call's share of <see cref="RedisOptions.Timeout"/> is half: a request waits at most the other half behind the call
/// ahead of it. A call that timed out may still reach Redis: it carries a deadline in Redis's time
/// (<see cref="RedisClock"/>), past which the script charges nothing.</para>
/// </remarks>
internal sealed partial class RedisCounterStore : ICounterStore, IDisposable
{
    /// <summary>The longest an ended lease waits for a call to carry it.</summary>
    internal static readonly TimeSpan ReleaseDelay = TimeSpan.FromMilliseconds(50);

    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisOptions _options;
    private readonly ApiErrorCatalogMetrics _metrics;
    private readonly long _leaseBase = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (1L << 31);
    private readonly RedisKeyNames _keys;
    private readonly RedisClock _clock = new();
    private readonly RedisLane _lane;
    private readonly RedisCounterReader _reader;
    private readonly RedisLane?[] _slotLanes = new RedisLane?[16384];
    private readonly Timer _timer;
    private volatile bool _cluster;
    private long _leases;

    /// <summary>
    /// A store on <paramref name="connection"/> (made or adopted by <see cref="RedisConnection"/>, which disposes it),
    /// whose client gives up on an asynchronous command after <paramref name="asyncTimeout"/>.
    /// </summary>
    public RedisCounterStore(
        IConnectionMultiplexer connection, TimeSpan asyncTimeout, RedisOptions options, TimeSpan concurrencyRetryAfter, ILogger<RedisCounterStore> logger, ApiErrorCatalogMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        ConcurrencyRetryAfter = concurrencyRetryAfter;
        Outage = new RedisOutage(logger);

        // A call gets half the timeout (RedisConnection sets the client's so), and a request waits at most the
        // other half for its call to be sent.
        MaxQueueMilliseconds = (long)(Math.Max(20, options.Timeout.TotalMilliseconds) / 2);

        // A call's deadline, from when it is sent: the client gives up no sooner than AsyncTimeout after writing it,
        // so a call Redis runs by the deadline is answered in time (a quarter, at least 10 ms where the timeout
        // allows, is left for the reply and the clock estimate's error), and one it runs later charges nothing for a
        // request already answered without it.
        var timeout = (long)asyncTimeout.TotalMilliseconds;
        DeadlineBudget = timeout - Math.Max(timeout / 4, Math.Min(10, timeout / 2));
        _connection = connection;
        _database = connection.GetDatabase();
        _keys = new RedisKeyNames(options.Prefix, connection.HashSlot);
        _lane = new RedisLane(this);
        _reader = new RedisCounterReader(_database, _keys, Outage);
        _cluster = IsCluster();
        connection.ConnectionRestored += OnConnectionChanged;
        connection.ConfigurationChanged += OnConnectionChanged;
        _timer = new Timer(static state => ((RedisCounterStore)state!).FlushReleases(), this, ReleaseDelay, ReleaseDelay);
    }

    public TimeSpan ConcurrencyRetryAfter { get; }

    public RedisOutage Outage { get; }

    /// <summary>The longest a request may wait for its call to be sent, so it is answered within the timeout.</summary>
    public long MaxQueueMilliseconds { get; }

    /// <summary>How long after sending a call its deadline falls (see the constructor).</summary>
    public long DeadlineBudget { get; }

    /// <summary>Whether the multiplexer is connected (tests wait on it after restarting Redis).</summary>
    internal bool IsConnected => _connection.IsConnected;

    /// <summary>The estimate of Redis's clock that deadlines are written in (tests skew it).</summary>
    internal RedisClock Clock => _clock;

    public CounterBatch CreateBatch() => new RedisCounterBatch();

    public ValueTask<bool> AcquireAsync(CounterBatch batch)
    {
        var redis = (RedisCounterBatch)batch;
        if (batch.Count == 0)
        {
            return new ValueTask<bool>(LimitMath.Conclude(batch));
        }

        Prepare(redis);
        if (RefusedLocally(redis))
        {
            return new ValueTask<bool>(false);
        }

        var version = redis.BeginDecision();
        redis.SubmitTick = Environment.TickCount64; // once: every part of the request waits within one budget
        if (_cluster)
        {
            // Slot by slot from the last run of items (the key's and its subscription's), the IP's after.
            redis.PartEnd = batch.Count;
            redis.PartStart = RunStart(redis, batch.Count);
        }
        else
        {
            redis.PartStart = 0;
            redis.PartEnd = batch.Count;
        }

        LaneOf(redis.Names[redis.PartStart]!).Submit(redis);
        return new ValueTask<bool>(redis, version);
    }

    /// <summary>A usage read, apart from the decision path (see <see cref="RedisCounterReader"/>).</summary>
    public ValueTask ReadAsync(CounterBatch batch, CancellationToken cancellationToken) => _reader.ReadAsync(batch, cancellationToken);

    public void ReadKnown(CounterBatch batch) => _reader.ReadKnown(batch);

    public void Release(CounterBatch batch)
    {
        if (!batch.HasLeases)
        {
            return;
        }

        var redis = (RedisCounterBatch)batch;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Entry.Limit.Kind == LimitKind.Concurrency && redis.Names[i] is { } names)
            {
                LaneOf(names).QueueRelease(names.Current, redis.LeaseId);
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

            // The names the batch was charged under (its window's key), kept on the batch since it was decided.
            var names = ((RedisCounterBatch)batch).Names[i]!;
            names.GiveBack(item.Cost);
            (keys ??= []).Add(names.Current);
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
    public void Dispose()
    {
        _connection.ConnectionRestored -= OnConnectionChanged;
        _connection.ConfigurationChanged -= OnConnectionChanged;
        _timer.Dispose();
        _lane.SendLastReleases();
        foreach (var lane in _slotLanes)
        {
            lane?.SendLastReleases();
        }
    }

    /// <summary>Writes the batch's current part into the call.</summary>
    internal void Write(RedisCall call, RedisCounterBatch batch)
    {
        var now = batch.Now;
        call.AddRequest(batch, now.ToUnixTimeMilliseconds(), (now + _options.LeaseTimeout).ToUnixTimeMilliseconds());
        for (var i = batch.PartStart; i < batch.PartEnd; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            var overage = item.OverageAllowed ? 4 : 0;
            var names = batch.Names[i]!;
            if (limit.Kind == LimitKind.Concurrency)
            {
                call.AddItem(2 | overage, limit.PermitLimit, item.Cost, (long)_options.LeaseTimeout.TotalMilliseconds + 1000, 0, names, sliding: false);
                continue;
            }

            // Kept one more window when sliding: the next window still weighs this one.
            var (_, start, end) = limit.Window.Get(now);
            var ttl = (end - now) + (limit.Sliding ? end - start : TimeSpan.Zero) + TimeSpan.FromSeconds(1);
            var weight = limit.Sliding ? 1 - ((double)(now - start).Ticks / (end - start).Ticks) : 0;
            call.AddItem((limit.Sliding ? 1 : 0) | overage, limit.PermitLimit, item.Cost, (long)ttl.TotalMilliseconds, weight, names, limit.Sliding);
        }
    }

    /// <summary>Key names for every item, and the lease member if the batch has a concurrency limit.</summary>
    private void Prepare(RedisCounterBatch batch)
    {
        batch.EnsureNames();
        var now = batch.Now;
        var leaseId = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency)
            {
                batch.Names[i] = _keys.Get(item.Entry, -1);
                leaseId = leaseId != 0 ? leaseId : _leaseBase + Interlocked.Increment(ref _leases);
            }
            else
            {
                batch.Names[i] = _keys.Get(item.Entry, limit.Window.Get(now).Index);
            }
        }

        batch.LeaseId = leaseId;
    }

    /// <summary>
    /// Refuses the batch without Redis when what replies showed of its counters in the last second already refuses it
    /// (a counter only rises within its window, but for charges given back). Only when every item's use is known, so
    /// the answer carries the same figures; after a second the next request asks Redis, which also learns what was
    /// given back meanwhile.
    /// </summary>
    private bool RefusedLocally(RedisCounterBatch batch)
    {
        var now = Environment.TickCount64;
        var over = false;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency || batch.Names[i] is not { } names || !names.IsFresh(now))
            {
                return false;
            }

            // A cheap bound first (the previous window weighs at most all of it): most requests stop here.
            over |= !item.OverageAllowed && names.Known + (limit.Sliding ? names.KnownPrevious : 0) + item.Cost > limit.PermitLimit;
        }

        if (!over)
        {
            return false;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var names = batch.Names[i]!;
            LimitMath.Evaluate(ref batch[i], batch.Now, names.Known, batch[i].Entry.Limit.Sliding ? names.KnownPrevious : 0, ConcurrencyRetryAfter);
        }

        if (LimitMath.Conclude(batch))
        {
            batch.ClearDecision();
            return false;
        }

        _metrics.RedisLocalRefusal(batch[batch.RefusedIndex].Entry.Limit.Name);
        return true;
    }

    /// <summary>Whether the servers form a cluster is learnt again when the connection comes back or changes.</summary>
    private void OnConnectionChanged(object? sender, EventArgs e) => _cluster = IsCluster();

    private void FlushReleases()
    {
        try
        {
            _lane.FlushReleases(ReleaseDelay);
            if (_cluster)
            {
                foreach (var lane in _slotLanes)
                {
                    lane?.FlushReleases(ReleaseDelay);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A timer callback must not throw (it would end the process); the leases expire by their scores.
        }
    }

    /// <summary>
    /// The deadline, in Redis's unix milliseconds, of a call sent at <paramref name="sentTick"/>; 0 (none) while
    /// Redis's clock is not known.
    /// </summary>
    private long Deadline(long sentTick) =>
        _clock.Offset is var offset && offset == RedisClock.Unknown ? 0 : sentTick + offset + DeadlineBudget;
}
