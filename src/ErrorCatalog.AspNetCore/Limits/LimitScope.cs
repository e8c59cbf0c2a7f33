namespace ErrorCatalog.Middleware;

/// <summary>Whose counter a limit uses.</summary>
public enum LimitScope
{
    /// <summary>Each key has its own counter.</summary>
    Key,
    /// <summary>All keys of a subscription share one counter.</summary>
    Subscription,
    /// <summary>Each client IP address has its own counter.</summary>
    Ip,
}
