namespace ErrorCatalog.Middleware;

/// <summary>
/// Makes a change to a key in the application's <see cref="IApiKeyStore"/> take effect now instead of when its cached
/// answer expires (<see cref="ApiKeyReadingOptions.CacheDuration"/>): call it after revoking, changing or creating a
/// key, or moving a subscription to another plan. The next request for what it names asks the key store again. With
/// ErrorCatalog.Redis the call is also sent to every instance sharing that Redis (docs/keys.md). Registered by
/// <c>AddApiErrorCatalog</c>.
/// </summary>
/// <remarks>
/// Each call takes effect on this instance before it returns. When the broadcast to the other instances fails, it
/// throws <see cref="ApiKeyInvalidationException"/> after that local effect; the other instances then keep their
/// answer until they reconnect to Redis (which clears their cache) or it expires. Without a key store (keys from
/// configuration) nothing is cached and the calls do nothing: configured keys change with the configuration.
/// </remarks>
public interface IApiKeyInvalidator
{
    /// <summary>
    /// Forgets one key by the hash of the key, whether it was cached as found or as unknown: use it for a key just
    /// created, whose earlier attempts were answered as invalid.
    /// </summary>
    Task InvalidateKeyAsync(ApiKeyHash hash, CancellationToken cancellationToken);

    /// <summary>Forgets the keys whose <see cref="ApiKeyRecord.Id"/> is <paramref name="keyId"/>.</summary>
    Task InvalidateKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Forgets the keys whose <see cref="ApiKeyRecord.SubscriptionId"/> is <paramref name="subscriptionId"/>.</summary>
    Task InvalidateSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Forgets every cached key, found or unknown.</summary>
    Task InvalidateAllAsync(CancellationToken cancellationToken);
}
