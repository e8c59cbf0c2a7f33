using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// Writes a success body in a catalog shape, so success and failure share one envelope (a <c>status</c> object
/// in every body, say): <c>$data</c> is the endpoint's result, and the request's values (<c>$timestamp</c>,
/// <c>$elapsed</c>, <c>$creditCount</c>, <c>$requestId</c>, <c>$status</c>) are filled as for errors; the
/// entry's own values (<c>$code</c>, <c>$detail</c>…) are absent, so write the success constants as literals.
/// </summary>
internal static class ApiSuccessWriter
{
    /// <summary>Writes <paramref name="data"/> in <paramref name="shape"/> with <paramref name="status"/>.</summary>
    public static ValueTask WriteAsync(HttpContext httpContext, object? data, BodyShape shape, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(shape);
        if (httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("Cannot write the success envelope: the response has already started.");
        }

        var json = httpContext.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions;
        var context = httpContext.GetErrorContext() with { Details = data, SuccessStatus = status, JsonOptions = json };
        return ApiErrorWriter.WriteCoreAsync(httpContext.Response, default, context, shape, status);
    }
}
