namespace ErrorCatalog.Middleware;

/// <summary>One limit of a request's batch: what to charge (in) and what the store decided (out).</summary>
internal struct CounterItem
{
    // In.
    public LimitEntry Entry;
    public long Cost;
    public bool OverageAllowed;

    // Out: the counter after the decision (charged if admitted, untouched if refused).
    public long Used;
    public long Remaining;
    public DateTimeOffset ResetAt;
    public TimeSpan RetryAfter;
    public bool Refused;
    public bool Overage;
}
