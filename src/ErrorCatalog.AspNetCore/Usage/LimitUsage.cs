namespace ErrorCatalog.Middleware;

/// <summary>
/// One limit's usage in an <see cref="ApiUsageReport"/>: the figures the rate-limit headers carry for it (the IETF
/// <c>RateLimit</c> field's <c>r</c> and <c>t</c>, and <c>X-RateLimit-*</c> or <c>X-UnitsLimit-*</c> where it is the tightest).
/// </summary>
public sealed class LimitUsage
{
    /// <summary>The limit's name as the headers and errors name it (<c>minute</c>, <c>credits</c>; a key's own share of a subscription limit: <c>credits-key</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Whose counter: the key's, the subscription's (shared by its keys) or the client IP's.</summary>
    public required LimitScope Scope { get; init; }

    /// <summary>What it counts: requests, credits, or requests in flight.</summary>
    public required LimitKind Kind { get; init; }

    /// <summary>The permit (the key's or subscription's own where configured).</summary>
    public required long Limit { get; init; }

    /// <summary>What the window has used (a sliding window counts the previous one's use weighted as requests are judged); requests in flight for a concurrency limit.</summary>
    public required long Used { get; init; }

    /// <summary>What is left: the permit less <see cref="Used"/>, never below zero.</summary>
    public required long Remaining { get; init; }

    /// <summary>When the window ends and its count starts again (<c>X-RateLimit-Reset</c>); null for a concurrency limit.</summary>
    public required DateTimeOffset? Reset { get; init; }

    /// <summary>The window: <c>minute</c>, <c>hour</c>, <c>day</c>, <c>month</c> or a span (<c>00:00:10</c>); null for a concurrency limit.</summary>
    public required string? Window { get; init; }

    /// <summary>Whether the window slides (the previous window's use still counts, weighted by how much of it the window covers).</summary>
    public required bool Sliding { get; init; }

    /// <summary>Whether <see cref="Used"/> is past the permit: credits admitted as overage (only a key with overage enabled gets there).</summary>
    public required bool Overage { get; init; }
}
