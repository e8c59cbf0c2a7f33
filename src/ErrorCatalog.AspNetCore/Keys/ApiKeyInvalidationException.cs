namespace ErrorCatalog.Middleware;

/// <summary>
/// An <see cref="IApiKeyInvalidator"/> call took effect on this instance but could not be sent to the others (Redis
/// did not take it). They keep their cached answer until they reconnect to Redis or it expires; call again to retry.
/// </summary>
public sealed class ApiKeyInvalidationException : Exception
{
    /// <summary>An invalidation not sent to the other instances.</summary>
    public ApiKeyInvalidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
