namespace ErrorCatalog.Middleware;

/// <summary>Rate-limit header sets; combine with commas in configuration (<c>"XRateLimit, Ietf"</c>).</summary>
[Flags]
public enum RateLimitHeaderProfiles
{
    /// <summary>No rate-limit headers (Retry-After is still sent on refusals).</summary>
    None = 0,
    /// <summary><c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c> (unix seconds) on every response.</summary>
    XRateLimit = 1,
    /// <summary>The IETF draft fields <c>RateLimit-Policy</c> and <c>RateLimit</c>.</summary>
    Ietf = 2,
    /// <summary><c>X-UnitsLimit-Quota-Overage</c>, <c>-Quota-Allocated</c>, <c>X-UnitsLimit-Used</c>, <c>-Quota-Remaining</c> for credits.</summary>
    UnitsLimit = 4,
}
