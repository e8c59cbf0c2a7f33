namespace ErrorCatalog.Middleware;

/// <summary>What a request gets while the Redis counters cannot answer.</summary>
public enum RedisFailurePolicy
{
    /// <summary>Admit without counting; log and count the failure in a metric.</summary>
    FailOpen,
    /// <summary>Refuse with the catalog's StoreUnavailable entry (503) and Retry-After.</summary>
    FailClosed,
}
