using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>A copy of a decision's rate-limit headers, for an exception handler that answers after the request's state is gone.</summary>
internal sealed class KeptRateLimitHeaders(HeaderDictionary headers) : IRateLimitHeadersFeature
{
    public void WriteRateLimitHeaders(IHeaderDictionary responseHeaders)
    {
        foreach (var (name, value) in headers)
        {
            responseHeaders[name] = value;
        }
    }
}
