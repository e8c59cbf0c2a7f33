namespace ErrorCatalog.Middleware;

/// <summary>
/// Sends an invalidation to every instance of the app (ErrorCatalog.Redis registers one, on Redis pub/sub), so the
/// core stays free of any transport. Each instance applies what it receives, its own messages included.
/// </summary>
internal interface IKeyInvalidationBroadcast
{
    /// <summary>Sends <paramref name="invalidation"/>; throws when it could not be sent.</summary>
    Task PublishAsync(KeyInvalidation invalidation, CancellationToken cancellationToken);
}
