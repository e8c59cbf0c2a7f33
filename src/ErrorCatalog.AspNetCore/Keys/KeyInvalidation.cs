namespace ErrorCatalog.Middleware;

/// <summary>
/// Cached keys to forget: by hash, by key id, by subscription, or all. What <see cref="IApiKeyInvalidator"/> applies
/// on this instance and a broadcast carries to the others.
/// </summary>
internal readonly record struct KeyInvalidation(KeyInvalidationKind Kind, ApiKeyHash Hash = default, string? Value = null)
{
    public static readonly KeyInvalidation All = new(KeyInvalidationKind.All);

    public static KeyInvalidation ForHash(ApiKeyHash hash) => new(KeyInvalidationKind.Hash, hash);

    public static KeyInvalidation ForKeyId(string keyId) => new(KeyInvalidationKind.KeyId, Value: keyId);

    public static KeyInvalidation ForSubscription(string subscriptionId) => new(KeyInvalidationKind.Subscription, Value: subscriptionId);

    /// <summary>Its name in logs and metrics.</summary>
    public string KindName => Kind switch
    {
        KeyInvalidationKind.Hash => "hash",
        KeyInvalidationKind.KeyId => "key",
        KeyInvalidationKind.Subscription => "subscription",
        _ => "all",
    };

    /// <summary>What it names, for logs: a key id, a subscription id or a key's hash (never a key).</summary>
    public string Target => Kind switch
    {
        KeyInvalidationKind.Hash => Hash.ToString(),
        KeyInvalidationKind.KeyId or KeyInvalidationKind.Subscription => Value!,
        _ => "*",
    };
}
