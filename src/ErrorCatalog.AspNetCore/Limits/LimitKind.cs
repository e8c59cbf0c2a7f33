namespace ErrorCatalog.Middleware;

/// <summary>What a limit counts.</summary>
public enum LimitKind
{
    /// <summary>One per request.</summary>
    Requests,
    /// <summary>The endpoint's credit cost (<c>WithCredits</c>, <c>[Credits]</c>, JSON-RPC method costs).</summary>
    Credits,
    /// <summary>Requests in flight; released when the request ends.</summary>
    Concurrency,
}
