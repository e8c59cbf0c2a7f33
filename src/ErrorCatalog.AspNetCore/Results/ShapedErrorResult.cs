using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>An error written in a chosen shape or with details (<see cref="ApiError.ToResult(BodyShape?, object?)"/>).</summary>
internal sealed class ShapedErrorResult(ApiError error, BodyShape? shape, object? details) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => error.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var chosen = shape ?? (error.Descriptor.Catalog is { } catalog ? httpContext.GetErrorShape(catalog) : null);
        var context = details is null ? httpContext.GetErrorContext() : httpContext.GetErrorContext() with { Details = details };
        return ApiErrorWriter.WriteAsync(httpContext.Response, error, context, chosen).AsTask();
    }
}
