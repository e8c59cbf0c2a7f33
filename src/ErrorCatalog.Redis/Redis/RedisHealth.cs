using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Redis store's health: a PING through its multiplexer, bounded by <see cref="RedisOptions.Timeout"/>, reported
/// with its latency, the endpoints, whether the client is connected and the outage policy that applies meanwhile.
/// </summary>
internal static class RedisHealth
{
    public static async Task<HealthCheckResult> CheckAsync(
        IConnectionMultiplexer connection, RedisOptions options, HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object>
        {
            ["store"] = "redis",
            ["endpoints"] = string.Join(",", connection.GetEndPoints().Select(EndPointCollection.ToString)),
            ["failurePolicy"] = options.FailurePolicy.ToString(),
        };
        try
        {
            // The client's own timeout may be longer than the store's (the app's own connection): bounded here too.
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(options.Timeout, cancellationToken).ConfigureAwait(false);
            data["connected"] = connection.IsConnected;
            data["latencyMilliseconds"] = latency.TotalMilliseconds;
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:0.###} ms", data);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            data["connected"] = connection.IsConnected;
            return new HealthCheckResult(failureStatus, NotAnswering(options.FailurePolicy), ex, data);
        }
    }

    private static string NotAnswering(RedisFailurePolicy policy) => policy == RedisFailurePolicy.FailClosed
        ? "Redis is not answering; requests are refused with the catalog's StoreUnavailable error (FailClosed)"
        : "Redis is not answering; requests are admitted uncounted (FailOpen)";
}
