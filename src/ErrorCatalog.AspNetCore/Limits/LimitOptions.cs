using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>One limit: how many requests or credits per window, or requests in flight.</summary>
public sealed class LimitOptions
{
    /// <summary>What is counted. Default <see cref="LimitKind.Requests"/>.</summary>
    public LimitKind Kind { get; set; } = LimitKind.Requests;

    /// <summary>
    /// The most requests, credits or in-flight requests the window allows; required in configuration (0 refuses
    /// every request, so it is never assumed), at most 10^15.
    /// </summary>
    public long PermitLimit { get; set; }

    /// <summary>
    /// The window: <c>minute</c>, <c>hour</c>, <c>day</c>, <c>month</c> (calendar month, resets 00:00 UTC on the 1st),
    /// or a time span written with its colons, such as <c>00:00:10</c> or <c>7.00:00:00</c> (a bare <c>60</c> would
    /// read as 60 days, so it is refused), from 1 second to 36525 days (100 years). Fixed windows are aligned to the
    /// UTC clock. Required, except for concurrency, which has none.
    /// </summary>
    public string? Window { get; set; }

    /// <summary>Counts over a sliding window (the last window's use weighted by its overlap) instead of a fixed one.</summary>
    public bool Sliding { get; set; }

    /// <summary>Whose counter: each key's (default), the subscription's shared one, or the client IP's.</summary>
    public LimitScope Scope { get; set; } = LimitScope.Key;

    /// <summary>The refusal answering this limit; default from the window and kind (minute, day, month, credits…).</summary>
    public Refusal? Refusal { get; set; }

    /// <summary>A catalog code answering this limit instead of the refusal's entry.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// Text for <c>{tierLimit}</c> in errors (default "<c>N req/minute</c>"). <c>{limit}</c> and <c>{window}</c> are
    /// filled from the limit that applies ("<c>{limit} req/{window}</c>" reads "10 req/min"); a fixed text that states
    /// another number than <see cref="PermitLimit"/> fails start-up.
    /// </summary>
    public string? Description { get; set; }
}
