using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>
/// Wraps a minimal-API endpoint's successful result in a success shape. Errors (<see cref="ApiError"/>) and
/// results that are not 2xx values keep their own body. A 201 or 202 keeps its <c>Location</c> header
/// (<c>Results.Created(uri, value)</c>, <c>Results.Accepted(uri, value)</c>).
/// </summary>
internal sealed class SuccessEnvelopeFilter(BodyShape shape) : IEndpointFilter
{
    // Created, Created<T>, Accepted, Accepted<T> each have a string Location and no interface for it.
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> LocationProperties = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        return result switch
        {
            ApiError => result,
            IValueHttpResult value when result is IStatusCodeHttpResult { StatusCode: null or (>= 200 and < 300) } status =>
                new SuccessEnvelopeResult(shape, value.Value, status.StatusCode ?? StatusCodes.Status200OK, LocationOf(result, status.StatusCode)),
            IResult => result,
            _ => new SuccessEnvelopeResult(shape, result, StatusCodes.Status200OK, null),
        };
    }

    private static string? LocationOf(object result, int? status) =>
        status is StatusCodes.Status201Created or StatusCodes.Status202Accepted
            ? LocationProperties.GetOrAdd(result.GetType(), static type => type.GetProperty("Location", typeof(string)))?.GetValue(result) as string
            : null;
}
