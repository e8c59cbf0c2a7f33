using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>
/// The rate-limit headers of the request's decision, written again on a response that was cleared after they were
/// set: <c>UseExceptionHandler</c> clears the response before the catalog answers an exception, and "every response
/// carries them" includes that answer. The middleware's request state provides it.
/// </summary>
internal interface IRateLimitHeadersFeature
{
    /// <summary>Sets the decision's rate-limit headers on <paramref name="headers"/> (nothing when there was no decision).</summary>
    void WriteRateLimitHeaders(IHeaderDictionary headers);
}
