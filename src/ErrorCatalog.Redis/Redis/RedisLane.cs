using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Coalesces requests into script calls, one call in flight at a time: a request that comes while a call is in
/// flight waits for its reply and goes, with every request that came meanwhile, in the next call, which the script
/// decides one request after the other, each as if alone. So there is no timer on the request path, and under load a
/// call serves many requests. One lane serves a single primary; on Redis Cluster each hash slot has its own (a
/// script's keys must share a slot).
/// </summary>
/// <remarks>
/// A long-lived reader (<see cref="ReadAsync"/>) awaits each call's reply (only an async method's own state machine
/// waits on the client's task without allocating), hands each request its part of the reply, then sends the next
/// call. Requests continue on the thread pool (each batch is its own work item), so the reader is free for the next
/// reply at once.
/// </remarks>
internal sealed class RedisLane(RedisCounterStore store)
{
    /// <summary>The most requests one call decides: a bound on the script's run and the reply's size.</summary>
    public const int MaxRequestsPerCall = 64;

    /// <summary>The most ended leases one call carries.</summary>
    public const int MaxReleasesPerCall = 16;

    private readonly Lock _lock = new();
    private readonly RedisCall _call = new();
    private readonly LeaseReleases _releases = new(4096);
    private readonly RedisLaneSignal _signal = new();
    private RedisCounterBatch? _head;
    private RedisCounterBatch? _tail;
    private bool _busy;
    private Task? _reader;
    private long _lastCall;

    /// <summary>Decides the batch's current part (<see cref="RedisCounterBatch.PartStart"/> to <see cref="RedisCounterBatch.PartEnd"/>) in this lane's next call.</summary>
    public void Submit(RedisCounterBatch batch)
    {
        lock (_lock)
        {
            if (_busy)
            {
                batch.NextInQueue = null;
                if (_tail is null)
                {
                    _head = batch;
                }
                else
                {
                    _tail.NextInQueue = batch;
                }

                _tail = batch;
                return;
            }

            _busy = true;
        }

        Dispatch(batch);
    }

    /// <summary>A lease ended: queued for this lane's next call, or removed at once when the queue is full.</summary>
    public void QueueRelease(RedisKey key, long member)
    {
        if (!_releases.TryAdd(key, member))
        {
            // Thousands of releases waiting means the timer cannot keep up; if this is lost too (an outage), the
            // lease expires by its score.
            store.SendRelease(key, member);
        }
    }

    /// <summary>
    /// Sends the releases no request carried (a timer calls this), once requests have stopped for
    /// <paramref name="delay"/>: while they come, they carry the releases.
    /// </summary>
    public void FlushReleases(TimeSpan delay)
    {
        if (_releases.Count == 0 || Environment.TickCount64 - Volatile.Read(ref _lastCall) < delay.TotalMilliseconds)
        {
            return;
        }

        lock (_lock)
        {
            if (_busy)
            {
                return;
            }

            _busy = true;
        }

        Dispatch(null);
    }

    /// <summary>Sends the releases still queued, by source and without waiting, as the app stops.</summary>
    public void SendLastReleases()
    {
        var call = new RedisCall();
        while (_releases.Count > 0)
        {
            call.Begin();
            _releases.TakeInto(call, MaxReleasesPerCall);
            if (!store.SendLast(call))
            {
                return; // an outage: the leases expire by their scores
            }
        }
    }

    /// <summary>
    /// Builds and sends a call from <paramref name="first"/>, the requests queued and the releases waiting; the lane
    /// is busy (this thread owns <see cref="_call"/>) until the reader finds nothing left to send.
    /// </summary>
    private void Dispatch(RedisCounterBatch? first)
    {
        var sendFailed = false;
        while (true)
        {
            // Releases first: the script removes them before it decides, as they come first in its argument. After a
            // send failed, they stay queued for the timer, so a client that refuses every call cannot spin this loop.
            var call = _call;
            call.Begin();
            if (!sendFailed)
            {
                _releases.TakeInto(call, MaxReleasesPerCall);
            }

            var now = Environment.TickCount64;
            if (first is not null)
            {
                Add(call, first, now);
                first = null;
            }

            // The queue's first requests, up to the call's bound; the rest wait for the next call.
            RedisCounterBatch? queued = null;
            lock (_lock)
            {
                RedisCounterBatch? last = null;
                var cursor = _head;
                for (var taken = call.Requests; cursor is not null && taken < MaxRequestsPerCall; taken++)
                {
                    last = cursor;
                    cursor = cursor.NextInQueue;
                }

                if (last is not null)
                {
                    queued = _head;
                    last.NextInQueue = null;
                    _head = cursor;
                    _tail = cursor is null ? null : _tail;
                }
            }

            while (queued is not null)
            {
                var next = queued.NextInQueue;
                Add(call, queued, now);
                queued = next;
            }

            if (call.Requests == 0 && call.Releases == 0)
            {
                lock (_lock)
                {
                    if (_head is null)
                    {
                        _busy = false;
                        return;
                    }
                }

                continue;
            }

            Volatile.Write(ref _lastCall, now);
            Task pending;
            try
            {
                pending = store.Send(call);
            }
            catch (Exception ex)
            {
                // Nothing was written: an outage, or a call the client refused (logged, and its requests get the
                // outage policy). Either way the lane goes on, so no request is left waiting in it.
                Fail(call, ex as CounterStoreUnavailableException ?? store.Outage.Failed(ex), mayHaveRun: false, releasesRan: false);
                sendFailed = true;
                continue;
            }

            _reader ??= StartReader();
            _signal.Set(pending);
            return;
        }
    }

    /// <summary>Adds a request to the call, unless it has waited so long that the call could answer it too late.</summary>
    private void Add(RedisCall call, RedisCounterBatch batch, long now)
    {
        if (now - batch.SubmitTick > store.MaxQueueMilliseconds)
        {
            store.PartFailed(batch, store.Outage.Failed(new TimeoutException("A request waited for Redis longer than its timeout allows.")));
            return;
        }

        store.Write(call, batch);
    }

    /// <summary>The reader, on the thread pool without any request's execution context.</summary>
    private Task StartReader()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(ReadAsync);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(ReadAsync);
        }
    }

    private async Task ReadAsync()
    {
        while (true)
        {
            Task? pending = await _signal.WaitAsync().ConfigureAwait(false);
            while (pending is not null)
            {
                await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                RedisCounterBatch.DeferOne();
                try
                {
                    pending = Complete(pending);
                }
                catch (Exception ex)
                {
                    // A reply this version cannot read: its requests get the outage policy (the reason logged)
                    // rather than wait forever or answer 500.
                    Fail(_call, ex as CounterStoreUnavailableException ?? store.Outage.Failed(ex), mayHaveRun: true, releasesRan: false);
                    pending = null;
                }

                if (pending is not null)
                {
                    RedisCounterBatch.RunDeferred();
                }
            }

            var more = true;
            lock (_lock)
            {
                if (_head is null)
                {
                    _busy = false;
                    more = false;
                }
            }

            if (more)
            {
                Dispatch(null);
            }

            // The next call is on its way: one request of this reply continues here, the others on the pool.
            RedisCounterBatch.RunDeferred();
        }
    }

    /// <summary>
    /// Reads a completed call's reply into its requests: null when done, or the same call sent again to wait for
    /// (after a NOSCRIPT, or a deadline the clock estimate set too early).
    /// </summary>
    private Task? Complete(Task reply)
    {
        var call = _call;
        if (!reply.IsCompletedSuccessfully)
        {
            Exception ex = reply.Exception?.InnerException ?? new TaskCanceledException(reply);
            if (ex is RedisServerException { Kind: RedisErrorKind.NoScript } && !call.Retried)
            {
                // Redis restarted and its script cache is empty: loaded again, then the same call once more.
                call.Retried = true;
                try
                {
                    return store.Reload(call);
                }
                catch (CounterStoreUnavailableException failed)
                {
                    Fail(call, failed, mayHaveRun: false, releasesRan: false);
                    return null;
                }
            }

            Fail(call, store.Outage.Failed(ex), RedisOutage.MayHaveRun(ex), releasesRan: false);
            return null;
        }

        var received = Environment.TickCount64;
        if (reply is Task<RedisResult> cluster)
        {
            return Decide(call, ((byte[]?)cluster.Result).AsSpan(), received);
        }

        using var result = ((Task<RespResult>)reply).Result;
        var reader = result.ReadScalar();
        if (!reader.TryGetSpan(out var bytes))
        {
            throw new InvalidOperationException($"The Redis counter script answered a reply of RESP type {result.Prefix} that is not one string.");
        }

        return Decide(call, bytes, received);
    }

    /// <summary>Hands each request of the call its part of the reply; or sends the call again (see <see cref="Complete"/>).</summary>
    private Task? Decide(RedisCall call, ReadOnlySpan<byte> bytes, long received)
    {
        if (!RedisBatchReply.ReadClock(bytes, out var redisTime))
        {
            if (received - call.SentTick < store.DeadlineBudget && !call.Retried)
            {
                // "Past its deadline", yet answered before the deadline could pass: the clock estimate was too small
                // (Redis's clock stepped ahead, or this host was suspended). Nothing was charged: learnt from this
                // reply, the same call goes again with a deadline that holds.
                call.Retried = true;
                return store.Resend(call, redisTime, received);
            }

            // Redis ran the call too late to count: charged nothing, and its requests get the outage policy. The
            // releases it carried have run.
            Fail(call, store.Outage.Failed(new TimeoutException("Redis ran the counter script after its deadline.")), mayHaveRun: false, releasesRan: true);
            return null;
        }

        if (bytes.Length > 8 && bytes[8] == RedisBatchScript.AllAdmitted)
        {
            // Decided counter by counter: every request admitted, each item's count worked out here in call order.
            call.ReadCounters(bytes[9..]);
            while (call.TakeNext() is { } decided)
            {
                try
                {
                    RedisBatchReply.ReadAdmitted(call, decided, store.ConcurrencyRetryAfter);
                }
                catch (Exception ex)
                {
                    FailUnreadable(call, decided, ex);
                    return null;
                }

                store.PartDecided(decided, admitted: true);
            }

            store.Answered(call, redisTime, received);
            return null;
        }

        var at = 8;
        while (call.TakeNext() is { } batch)
        {
            // Taken off the call first: a decided batch may go on to another lane's call at once.
            bool admitted;
            try
            {
                admitted = RedisBatchReply.ReadRequest(bytes, ref at, batch, store.ConcurrencyRetryAfter);
            }
            catch (Exception ex)
            {
                FailUnreadable(call, batch, ex);
                return null;
            }

            store.PartDecided(batch, admitted);
        }

        RedisBatchReply.End(bytes, at);
        store.Answered(call, redisTime, received);
        return null;
    }

    /// <summary>
    /// A call failed. The releases it carried may not have run: they are queued again. And it may still run (a
    /// timeout leaves it written, and a hung Redis runs it once it answers again); past its deadline it takes no lease,
    /// but before the first reply there is no deadline (the clock is not known yet), and a lease would then be held by
    /// no request until <see cref="RedisOptions.LeaseTimeout"/>, so its removal is queued too. Both ride on a later
    /// call on this lane, which Redis runs after this one; ZREM is idempotent and lease members are unique.
    /// </summary>
    private void Fail(RedisCall call, Exception failure, bool mayHaveRun, bool releasesRan)
    {
        if (!releasesRan)
        {
            for (var j = 0; j < call.Releases; j++)
            {
                var (key, member) = call.ReleaseAt(j);
                QueueRelease(key, member);
            }
        }

        while (call.TakeNext() is { } batch)
        {
            FailPart(batch, failure, mayHaveRun);
        }
    }

    /// <summary>
    /// A request's part of a reply this version cannot read (another version sharing the prefix?). The script ran, so
    /// this request and the rest of the call get the outage policy and their leases are released.
    /// </summary>
    private void FailUnreadable(RedisCall call, RedisCounterBatch batch, Exception ex)
    {
        var failure = store.Outage.Failed(ex);
        FailPart(batch, failure, mayHaveRun: true);
        Fail(call, failure, mayHaveRun: true, releasesRan: true);
    }

    /// <summary>One request of a failed call: its lease's removal queued if the call may have run, then its failure.</summary>
    private void FailPart(RedisCounterBatch batch, Exception failure, bool mayHaveRun)
    {
        if (mayHaveRun && batch.LeaseId != 0)
        {
            for (var i = batch.PartStart; i < batch.PartEnd; i++)
            {
                if (batch[i].Entry.Limit.Kind == LimitKind.Concurrency)
                {
                    QueueRelease(batch.Names[i]!.Current, batch.LeaseId);
                }
            }
        }

        store.PartFailed(batch, failure);
    }
}
