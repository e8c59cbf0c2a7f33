using System.Buffers.Binary;
using System.Diagnostics;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>The store's commands: the script calls its lanes make, and the releases sent outside them.</summary>
internal sealed partial class RedisCounterStore
{
    /// <summary>EVALSHA: the script named by its SHA-1, with a deadline from now.</summary>
    /// <exception cref="CounterStoreUnavailableException">Nothing was written.</exception>
    internal Task Send(RedisCall call) => Send(call, bySource: false);

    /// <summary>
    /// EVALSHA found no script: Redis restarted (or its script cache was flushed). The same call goes by source
    /// (EVAL), which caches the script for the next EVALSHA; it goes where its keys live, which on a cluster is the
    /// node that lacked the script (a SCRIPT LOAD, having no key, could land on another).
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">Nothing was written.</exception>
    internal Task Reload(RedisCall call) => Send(call, bySource: true);

    /// <summary>A reply said "past its deadline" too soon for that to be true: the clock learns it, and the call goes again.</summary>
    internal Task Resend(RedisCall call, long redisTime, long received)
    {
        _clock.Reset(redisTime, call.SentTick, received);
        return Send(call);
    }

    /// <summary>
    /// On a single primary, through the client's raw command API: pooled arguments and a pooled reply, no allocation
    /// of ours. On a cluster, through its script API, which follows a moving slot's redirects and loads the script
    /// on each node (a reply of <see cref="RedisResult"/>).
    /// </summary>
    private Task Send(RedisCall call, bool bySource)
    {
        var sent = Environment.TickCount64;
        call.SentTick = sent;
        call.SentTimestamp = Stopwatch.GetTimestamp();
        try
        {
            if (_cluster)
            {
                var (keys, values) = call.Arguments(Deadline(sent));
                return _database.ScriptEvaluateAsync(RedisBatchScript.Source, keys, values);
            }

            return _database.ExecuteRespAsync(bySource ? "EVAL" : "EVALSHA", call.Command(Deadline(sent), bySource));
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            throw Outage.Failed(ex);
        }
    }

    /// <summary>Sends a call of releases only, without waiting (the app is stopping); false in an outage.</summary>
    internal bool SendLast(RedisCall call)
    {
        try
        {
            // By source, as a restarted Redis may not hold the script.
            _ = _database.ExecuteResp("EVAL", call.Command(0, bySource: true), CommandFlags.FireAndForget);
            return true;
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            return false;
        }
    }

    internal void SendRelease(RedisKey key, long member)
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

    /// <summary>A call was answered: its reply is a sample of Redis's clock, and any outage has ended.</summary>
    internal void Answered(RedisCall call, long redisTime, long received)
    {
        _clock.Observe(redisTime, call.SentTick, received);
        Outage.Answered();
        _metrics.RedisBatchAnswered(call.Requests, Stopwatch.GetElapsedTime(call.SentTimestamp));
    }
}
