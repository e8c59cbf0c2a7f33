using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>
/// Wraps a minimal-API endpoint's successful result in a success shape. Errors (<see cref="ApiError"/>) and
/// results that are not 2xx values keep their own body.
/// </summary>
internal sealed class SuccessEnvelopeFilter(BodyShape shape) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        return result switch
        {
            ApiError => result,
            IValueHttpResult value when result is IStatusCodeHttpResult { StatusCode: null or (>= 200 and < 300) } status =>
                new SuccessEnvelopeResult(shape, value.Value, status.StatusCode ?? StatusCodes.Status200OK),
            IResult => result,
            _ => new SuccessEnvelopeResult(shape, result, StatusCodes.Status200OK),
        };
    }

    private sealed class SuccessEnvelopeResult(BodyShape shape, object? data, int status) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext) => ApiSuccessWriter.WriteAsync(httpContext, data, shape, status).AsTask();
    }
}
