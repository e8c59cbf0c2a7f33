using Microsoft.Extensions.Configuration;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What a key store knows about a key. Returned by <see cref="IApiKeyStore"/>; never holds the key itself. A key
/// configured under <c>ApiErrorCatalog:ApiKeys</c> is one too (<see cref="ConfiguredApiKey"/>).
/// </summary>
public class ApiKeyRecord
{
    /// <summary>A stable id for logs, metrics and counters (never the key).</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The subscription (configured under <c>Subscriptions</c>) whose plan and shared limits apply. Configured as
    /// <c>Subscription</c>.
    /// </summary>
    [ConfigurationKeyName("Subscription")]
    public string? SubscriptionId { get; init; }

    /// <summary>The plan, for a key without a subscription.</summary>
    public string? Plan { get; init; }

    /// <summary>Scopes granted to the key.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Addresses or CIDR ranges the key may be used from (empty: any).</summary>
    public IReadOnlyList<string> AllowedIps { get; init; } = [];

    /// <summary>The key's state. Default active.</summary>
    public ApiKeyState State { get; init; } = ApiKeyState.Active;

    /// <summary>When the key stops working.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// The key's own permit limits by limit name: they replace a key-scoped plan limit, or add a key sub-limit
    /// beside a subscription-scoped one.
    /// </summary>
    public IReadOnlyDictionary<string, long> Limits { get; init; } = new Dictionary<string, long>();

    /// <summary>Past a credit quota, admit and count overage instead of refusing.</summary>
    public bool Overage { get; init; }
}
