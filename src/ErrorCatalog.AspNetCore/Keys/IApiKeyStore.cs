namespace ErrorCatalog.Middleware;

/// <summary>
/// The application's own key store (a database in real life). Register one to replace the configuration-backed
/// default; results are cached for <see cref="ApiKeyReadingOptions.CacheDuration"/>.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Finds a key by the SHA-256 of the presented key; null when unknown.</summary>
    ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken);
}
