namespace ErrorCatalog.Middleware;

/// <summary>
/// Applies an invalidation to this instance's key cache at once, then hands it to the broadcast (when one is
/// registered) for the other instances.
/// </summary>
internal sealed class ApiKeyInvalidator(KeyResolver resolver, IKeyInvalidationBroadcast? broadcast, ApiErrorCatalogMetrics metrics) : IApiKeyInvalidator
{
    public Task InvalidateKeyAsync(ApiKeyHash hash, CancellationToken cancellationToken) =>
        ApplyAsync(KeyInvalidation.ForHash(hash), cancellationToken);

    public Task InvalidateKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return ApplyAsync(KeyInvalidation.ForKeyId(keyId), cancellationToken);
    }

    public Task InvalidateSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return ApplyAsync(KeyInvalidation.ForSubscription(subscriptionId), cancellationToken);
    }

    public Task InvalidateAllAsync(CancellationToken cancellationToken) => ApplyAsync(KeyInvalidation.All, cancellationToken);

    private Task ApplyAsync(KeyInvalidation invalidation, CancellationToken cancellationToken)
    {
        resolver.Invalidate(invalidation);
        metrics.KeysInvalidated(invalidation.KindName, "local");
        return broadcast is null || !resolver.IsCustomStore ? Task.CompletedTask : PublishAsync(invalidation, cancellationToken);
    }

    private async Task PublishAsync(KeyInvalidation invalidation, CancellationToken cancellationToken)
    {
        try
        {
            await broadcast!.PublishAsync(invalidation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ApiKeyInvalidationException(
                $"The key cache of this instance was invalidated ({invalidation.KindName} '{invalidation.Target}'), but the invalidation could not be "
                + "sent to the other instances: they keep their cached answer until they reconnect to Redis (which clears their key cache) or it "
                + "expires (KeyReading:CacheDuration). Call again to retry. " + ex.Message,
                ex);
        }
    }
}
