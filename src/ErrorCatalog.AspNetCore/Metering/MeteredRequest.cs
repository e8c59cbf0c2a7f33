namespace ErrorCatalog.Middleware;

/// <summary>One admitted request and what it was charged, as an <see cref="IUsageMeter"/> receives it.</summary>
public sealed class MeteredRequest
{
    /// <summary>
    /// Unique across instances and restarts (the reporting instance's id and a sequence number), and the same when a
    /// batch is delivered again: deduplicate on it.
    /// </summary>
    public required string Id { get; init; }

    /// <summary>The instant the request was decided at (the counters' clock: the window it was charged in).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The key's id; null for a request without a key (charged to the IP limit only).</summary>
    public string? KeyId { get; init; }

    /// <summary>The key's subscription; null without a key.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The key's plan when the request was decided; null without a key.</summary>
    public string? Plan { get; init; }

    /// <summary>The endpoint's route pattern (or display name); null when no endpoint matched.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Each limit the request was charged, with its units and how many of them were overage.</summary>
    public required IReadOnlyList<MeteredLimit> Limits { get; init; }
}
