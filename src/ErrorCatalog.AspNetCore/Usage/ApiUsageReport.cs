namespace ErrorCatalog.Middleware;

/// <summary>
/// The usage of a key, a subscription or a request (<see cref="IApiUsage"/>): each limit's used, remaining and reset,
/// the numbers the rate-limit headers of that key's requests carry.
/// </summary>
public sealed class ApiUsageReport
{
    /// <summary>The key's id; null for a subscription's report.</summary>
    public string? KeyId { get; init; }

    /// <summary>The key's subscription, or the subscription reported.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The plan whose limits are reported; null for a request without a key (its IP limit alone).</summary>
    public string? Plan { get; init; }

    /// <summary>Whether the key goes past its credit quotas as overage instead of being refused (<c>X-UnitsLimit-Quota-Overage</c>).</summary>
    public bool OverageEnabled { get; init; }

    /// <summary>The instant the figures are for (the request's decision, or the read).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Each limit, in the order the headers list them (the client IP's first, when reported).</summary>
    public required IReadOnlyList<LimitUsage> Limits { get; init; }
}
