namespace ErrorCatalog.Client;

/// <summary>
/// An error response as an exception: thrown by <see cref="CatalogResponseExtensions.EnsureCatalogSuccessAsync"/>, and
/// by the catalog resilience handler when a refusal would take longer than its maximum wait or it stops retrying.
/// </summary>
/// <remarks>
/// Not an <see cref="HttpRequestException"/> on purpose: the standard resilience handler retries those, and a refusal
/// the catalog handler gave up on must reach the caller at once.
/// </remarks>
public sealed class ApiErrorException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public ApiErrorException(CatalogError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString())
    {
        Error = error;
    }

    /// <summary>The parsed error.</summary>
    public CatalogError Error { get; }

    /// <summary>The machine code (<see cref="CatalogError.Code"/>).</summary>
    public string? Code => Error.Code;

    /// <summary>When a retry can succeed (<see cref="CatalogError.ResetAt"/>).</summary>
    public DateTimeOffset? ResetAt => Error.ResetAt;
}
