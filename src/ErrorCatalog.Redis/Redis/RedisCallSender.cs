using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Sends the batch script's calls on the store's one connection, each carrying concurrency leases this instance
/// ended (<see cref="LeaseReleases"/>): a lease that ends is removed by this instance's next call, before that call
/// decides, or by a timer once no call has been made for <see cref="ReleaseDelay"/>. Other instances therefore see
/// a lease end up to that much later; this instance's next request sees it at once.
/// </summary>
internal sealed class RedisCallSender : IDisposable
{
    /// <summary>The longest a released lease waits for a script call to carry it.</summary>
    internal static readonly TimeSpan ReleaseDelay = TimeSpan.FromMilliseconds(50);

    private static readonly ReadOnlyMemory<RedisKeyOrValue> ScriptLoad = new RedisKeyOrValue[] { (RedisValue)"LOAD", (RedisValue)RedisBatchScript.Source };

    private readonly IDatabase _database;
    private readonly RedisOutage _outage;
    private readonly RedisKey _spareKey;
    private readonly LeaseReleases _releases = new(4096);
    private readonly Lock _sendLock = new();
    private readonly Timer _timer;
    private long _lastCall;
    private int _flushing;
    private int _releasesInFlight;

    public RedisCallSender(IDatabase database, RedisOutage outage, RedisKey spareKey)
    {
        _database = database;
        _outage = outage;
        _spareKey = spareKey;
        _timer = new Timer(static state => ((RedisCallSender)state!).FlushReleases(), this, ReleaseDelay, ReleaseDelay);
    }

    /// <summary>Releases waiting for a call to carry them (a call rents room for up to <see cref="RedisArguments.MaxReleases"/>).</summary>
    public int WaitingReleases => Math.Min(RedisArguments.MaxReleases, _releases.Count);

    /// <summary>A request's call is about to go (at <paramref name="sentTick"/>): while they come, the timer leaves releases to them.</summary>
    public void NoteCall(long sentTick)
    {
        if (Volatile.Read(ref _lastCall) != sentTick)
        {
            Volatile.Write(ref _lastCall, sentTick);
        }
    }

    /// <summary>
    /// Fills the call's release slots and sends it. A release taken by one call must reach Redis before any call
    /// that counts on it: a client's next request may be decided on another thread than the one that carries its
    /// previous request's release. So a call that carries releases is counted in flight from before it takes them
    /// until it is written, and takes and sends under a lock; a call sent meanwhile takes the lock too, and so goes
    /// after it. Calls without releases, with none in flight, take no lock.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">Nothing was written (the releases are queued again).</exception>
    public Task<RespResult> TakeReleasesAndSend(RedisArguments arguments)
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

    /// <summary>EVALSHA: the script named by its SHA-1.</summary>
    /// <exception cref="CounterStoreUnavailableException">Nothing was written (the releases are queued again).</exception>
    public Task<RespResult> Send(RedisArguments arguments)
    {
        try
        {
            return _database.ExecuteRespAsync("EVALSHA", arguments.Command(bySource: false));
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            RequeueFailed(arguments, mayHaveRun: false); // refused before anything was written
            throw _outage.Failed(ex);
        }
    }

    /// <summary>
    /// EVALSHA found no script: Redis restarted (or its script cache was flushed). SCRIPT LOAD, then the same
    /// EVALSHA: one connection runs them in order, so the call finds the script. Loaded rather than sent by source
    /// with EVAL, whose scripts Redis may evict when other clients send many of their own.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">Nothing was written (the releases are queued again).</exception>
    public Task<RespResult> Reload(RedisArguments arguments)
    {
        try
        {
            _ = _database.ExecuteResp("SCRIPT", ScriptLoad, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            RequeueFailed(arguments, mayHaveRun: false);
            throw _outage.Failed(ex);
        }

        return Send(arguments);
    }

    /// <summary>A lease ended: queued for the next call, or removed at once when the queue is full.</summary>
    public void Queue(RedisKey key, long member)
    {
        if (!_releases.TryAdd(key, member))
        {
            // Thousands of releases waiting means the timer cannot keep up; if this is lost too (an outage), the
            // lease expires by its score.
            SendRelease(key, member);
        }
    }

    /// <summary>
    /// A script call failed. The releases it carried may not have run: they are queued again. And the call may still
    /// run (a timeout leaves it written, and a hung Redis runs it once it answers again); past its deadline it takes
    /// no lease, but before the first reply there is no deadline (the clock is not known yet), and its lease would
    /// then be held by no request until <see cref="RedisOptions.LeaseTimeout"/>, so its removal is queued too. Both
    /// ride on a later call on the same connection, which Redis runs after this one; ZREM is idempotent and lease
    /// members are unique, so removing what was never added, or twice, is harmless.
    /// </summary>
    public void RequeueFailed(RedisArguments arguments, bool mayHaveRun)
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

    /// <summary>Stops the timer and sends the releases still queued, so other instances need not wait for LeaseTimeout.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        while (_releases.Count > 0)
        {
            var arguments = RentReleaseCall();
            arguments.TakeReleases(_releases, _spareKey);
            try
            {
                // Fire and forget: no reply to dispose. By source, as a restarted Redis may not hold the script.
                _ = _database.ExecuteResp("EVAL", arguments.Command(bySource: true), CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (RedisOutage.IsFailure(ex))
            {
                break; // an outage: the leases expire by their scores
            }
        }
    }

    /// <summary>A call that only carries queued releases (no items), sized for those waiting.</summary>
    private RedisArguments RentReleaseCall()
    {
        var arguments = RedisArguments.Rent(0, WaitingReleases, 0);
        arguments.WriteHeader(0, 0, 0, 0);
        return arguments;
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
    /// Sends the releases no request carried (timer, every <see cref="ReleaseDelay"/>), only once requests have
    /// stopped for that long: while they come, they carry the releases.
    /// </summary>
    private void FlushReleases()
    {
        if (_releases.Count == 0 || Environment.TickCount64 - Volatile.Read(ref _lastCall) < ReleaseDelay.TotalMilliseconds
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
                catch (Exception ex) when (RedisOutage.IsFailure(ex) || ex is CounterStoreUnavailableException)
                {
                    // An outage: queued again for the next call or tick. A retry refused before it was written has
                    // been queued again by Send. The client copied the arguments: the arrays go back to the pool.
                    if (ex is not CounterStoreUnavailableException)
                    {
                        RequeueFailed(arguments, RedisOutage.MayHaveRun(ex));
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
}
