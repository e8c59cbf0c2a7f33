namespace ErrorCatalog.Middleware;

/// <summary>
/// One API key configured under <c>ApiErrorCatalog:ApiKeys</c>, for the configuration-backed key store: only its
/// SHA-256 hash is configured, never the key. A key store of your own returns <see cref="ApiKeyRecord"/>s instead.
/// </summary>
public sealed class ConfiguredApiKey
{
    /// <summary>A stable id for logs, metrics and counters (never the key).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>SHA-256 of the key's UTF-8 bytes, 64 hex digits (<c>ApiKeyHash.Compute("…")</c>).</summary>
    public string Hash { get; set; } = string.Empty;

    /// <summary>The subscription the key belongs to; it gives the plan.</summary>
    public string? Subscription { get; set; }

    /// <summary>The plan, for a key without a subscription.</summary>
    public string? Plan { get; set; }

    /// <summary>Scopes granted to the key.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Addresses or CIDR ranges the key may be used from (empty: any).</summary>
    public List<string> AllowedIps { get; set; } = [];

    /// <summary>The key's state. Default active.</summary>
    public ApiKeyState State { get; set; } = ApiKeyState.Active;

    /// <summary>When the key stops working.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// The key's own permit limits by limit name: they replace a key-scoped plan limit, or add a key sub-limit
    /// beside a subscription-scoped one.
    /// </summary>
    public Dictionary<string, long> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Past a credit quota, admit and count overage instead of refusing.</summary>
    public bool Overage { get; set; }
}
