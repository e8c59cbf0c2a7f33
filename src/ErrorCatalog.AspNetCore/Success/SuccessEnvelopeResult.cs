using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>A successful result written in a success shape, keeping a 201's or 202's <c>Location</c>.</summary>
internal sealed class SuccessEnvelopeResult(BodyShape shape, object? data, int status, string? location) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        return ApiSuccessWriter.WriteAsync(httpContext, data, shape, status).AsTask();
    }
}
