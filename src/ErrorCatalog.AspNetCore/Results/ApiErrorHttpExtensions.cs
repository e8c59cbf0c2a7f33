using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog;

/// <summary>Builds the request's side of an error (<see cref="ErrorContext"/>) and picks the endpoint's shape.</summary>
internal static class ApiErrorHttpExtensions
{
    /// <summary>
    /// The request id (<see cref="HttpContext.TraceIdentifier"/>, the <c>RequestId</c> of the server's log
    /// scope), the path, the time from the registered <see cref="TimeProvider"/>, and what the middleware
    /// recorded (<see cref="IErrorContextFeature"/>).
    /// </summary>
    public static ErrorContext GetErrorContext(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var time = context.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        var feature = context.Features.Get<IErrorContextFeature>();
        return new ErrorContext
        {
            RequestId = context.TraceIdentifier,
            Instance = context.Request.Path.HasValue ? context.Request.Path.Value : null,
            Timestamp = time.GetUtcNow(),
            ElapsedMilliseconds = feature is null ? null : (long)time.GetElapsedTime(feature.StartTimestamp).TotalMilliseconds,
            CreditCount = feature?.CreditCount ?? 0,
            Plan = feature?.Plan,
        };
    }

    /// <summary>The shape the endpoint asks for (<see cref="IErrorShapeMetadata"/>), or null for the entry's own.</summary>
    public static BodyShape? GetErrorShape(this HttpContext context, ApiErrorCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(catalog);
        var name = context.GetEndpoint()?.Metadata.GetMetadata<IErrorShapeMetadata>()?.ShapeName;
        return name is null ? null : catalog.GetShape(name);
    }

    [Conditional("DEBUG")]
    internal static void AssertNotDefault(in ApiError error) => Debug.Assert(error.Descriptor is not null);
}
