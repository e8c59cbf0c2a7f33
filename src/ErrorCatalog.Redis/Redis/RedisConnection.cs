using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Redis store's multiplexer: made from <see cref="RedisOptions.Configuration"/> with timeouts that bound every
/// wait by <see cref="RedisOptions.Timeout"/>, or the app's own (<c>AddApiErrorCatalogRedis(connection)</c>), adopted
/// as it is and never disposed here. A singleton of the container, which disposes it after the store that uses it.
/// </summary>
internal sealed partial class RedisConnection : IDisposable
{
    private readonly bool _owned;

    private RedisConnection(IConnectionMultiplexer multiplexer, TimeSpan asyncTimeout, bool owned)
    {
        Multiplexer = multiplexer;
        AsyncTimeout = asyncTimeout;
        _owned = owned;
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>How long the client lets an asynchronous command wait for its reply (its <c>asyncTimeout</c>).</summary>
    public TimeSpan AsyncTimeout { get; }

    /// <summary>A multiplexer of the store's own, for <see cref="RedisOptions.Configuration"/>.</summary>
    public static RedisConnection Connect(RedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);

        // The client times out commands on its heartbeat, so a command fails between the async timeout and one
        // heartbeat later: both are set so that sum is half the configured timeout (a request may wait the other
        // half behind the call ahead of it), which bounds every wait without a timer per call.
        var total = Math.Max(20, options.Timeout.TotalMilliseconds);
        var timeout = total / 2;
        var heartbeat = HeartbeatFor(timeout);
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
        configuration.AsyncTimeout = (int)(timeout - heartbeat);
        configuration.SyncTimeout = (int)total;
        configuration.ConnectTimeout = (int)Math.Max(100, total * 4);
        return new RedisConnection(ConnectionMultiplexer.Connect(configuration), TimeSpan.FromMilliseconds(configuration.AsyncTimeout), owned: true);
    }

    /// <summary>
    /// The app's own multiplexer, as it is configured. Its async timeout is read from its configuration; when that
    /// lets a call wait past its half of <see cref="RedisOptions.Timeout"/>, a warning says which settings to change (the
    /// client does not publish its heartbeat or backlog policy, so the warning names them as advice).
    /// </summary>
    public static RedisConnection Adopt(IConnectionMultiplexer multiplexer, RedisOptions options, string path, ILogger logger)
    {
        var asyncTimeout = AsyncTimeoutOf(multiplexer);
        var timeout = Math.Max(20, options.Timeout.TotalMilliseconds) / 2;
        if (asyncTimeout > timeout)
        {
            var heartbeat = HeartbeatFor(timeout);
            Log.WaitsPastTimeout(logger, asyncTimeout, path + ":Redis:Timeout", (long)timeout, (long)(timeout - heartbeat), (long)heartbeat);
        }

        return new RedisConnection(multiplexer, TimeSpan.FromMilliseconds(asyncTimeout), owned: false);
    }

    public void Dispose()
    {
        if (_owned)
        {
            Multiplexer.Dispose(); // lets written commands complete
        }
    }

    /// <summary>The multiplexer's async timeout, from its configuration string (the client publishes no property for it).</summary>
    private static int AsyncTimeoutOf(IConnectionMultiplexer multiplexer)
    {
        try
        {
            return ConfigurationOptions.Parse(multiplexer.Configuration).AsyncTimeout;
        }
        catch (ArgumentException)
        {
            return multiplexer.TimeoutMilliseconds; // the client's default async timeout is its sync timeout
        }
    }

    // A fifth of the timeout: often enough that a timed-out command fails soon after its async timeout.
    private static double HeartbeatFor(double timeoutMilliseconds) => Math.Clamp(timeoutMilliseconds / 5, 5, 200);

    private static partial class Log
    {
        [LoggerMessage(22, LogLevel.Warning,
            "The app's Redis connection lets a command wait {AsyncTimeout} ms for its reply (asyncTimeout), longer than a call's half of {Setting} ({Timeout} ms): "
            + "a request may wait that long for Redis before the outage policy applies. Give that connection asyncTimeout={Suggested}, "
            + "HeartbeatInterval {Heartbeat} ms and BacklogPolicy.FailFast (commands then fail at once while disconnected instead of waiting in a queue), "
            + "or let the store make its own connection from Redis:Configuration",
            EventName = "RedisConnectionWaitsPastTimeout")]
        public static partial void WaitsPastTimeout(ILogger logger, int asyncTimeout, string setting, long timeout, long suggested, long heartbeat);
    }
}
