namespace ErrorCatalog.Middleware;

/// <summary>
/// The counters (Redis) could not answer in time. The middleware applies the configured outage policy
/// (<see cref="RedisOptions.FailurePolicy"/>); <see cref="IApiUsage"/> throws it, as it has no figures to report.
/// </summary>
public sealed class CounterStoreUnavailableException : Exception
{
    internal CounterStoreUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
