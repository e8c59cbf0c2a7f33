using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Whether the Redis counters are answering: turns a failed call into <see cref="CounterStoreUnavailableException"/>
/// (for the middleware's outage policy) and logs once when an outage starts and once when it ends.
/// </summary>
internal sealed partial class RedisOutage(ILogger logger)
{
    private int _failing;

    /// <summary>What a call to Redis throws when Redis cannot answer (the rest are bugs and go up as they are).</summary>
    public static bool IsFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>False when the client had no connection to write the call to (fail-fast while disconnected).</summary>
    public static bool MayHaveRun(Exception ex) =>
        ex is not RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection };

    /// <summary>A call failed: the exception the store throws, logged if this starts an outage.</summary>
    public CounterStoreUnavailableException Failed(Exception ex)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.Unavailable(logger, ex);
        }

        return new CounterStoreUnavailableException("The Redis counters did not answer.", ex);
    }

    /// <summary>A call was answered: logged if this ends an outage.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.Recovered(logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "The Redis counters are unavailable; applying the outage policy until they answer", EventName = "RedisUnavailable")]
        public static partial void Unavailable(ILogger logger, Exception exception);

        [LoggerMessage(21, LogLevel.Information, "The Redis counters answer again", EventName = "RedisRecovered")]
        public static partial void Recovered(ILogger logger);
    }
}
