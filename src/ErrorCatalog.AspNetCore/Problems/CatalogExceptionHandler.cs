using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// Answers exceptions from the catalog (with <c>app.UseExceptionHandler()</c>): a bad request the framework
/// rejected (<see cref="BadHttpRequestException"/>: a body over the size limit, a bad parameter; or Kestrel's
/// <see cref="IOException"/> for a malformed chunk) with its own status (413, 400…) and the entry for it (<see cref="StatusErrorMap"/>), anything else with
/// <see cref="ApiErrorProblemDetailsOptions.UnhandledExceptionError"/>. The exception's message is never sent for a 5xx.
/// </summary>
/// <remarks>
/// A handler that answers suppresses the framework's own error log, so a 5xx is logged here: one Error line with the
/// exception and the request id of the body. The response was cleared before the handler runs; the decision's
/// rate-limit headers (<see cref="IRateLimitHeadersFeature"/>) are written again, and the failed endpoint's error
/// shape still applies. A <see cref="BadHttpRequestException"/> costs no credits (<see cref="IBeforeEndpointFeature"/>).
/// </remarks>
internal sealed partial class CatalogExceptionHandler(
    IOptions<ApiErrorProblemDetailsOptions> options,
    StatusErrorMap statuses,
    ILogger<CatalogExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.Catalog is not { } catalog || httpContext.Response.HasStarted)
        {
            return false;
        }

        var clientStatus = ClientStatus(exception);
        var descriptor = clientStatus is { } status ? statuses.Find(status) : catalog.Find(value.UnhandledExceptionError);
        if (descriptor is null)
        {
            return false;
        }

        var error = new ApiError(descriptor);
        if (clientStatus is not null && descriptor.Status < 500)
        {
            error.TrySet("reason", exception.Message);
        }

        var features = httpContext.Features;
        if (exception is BadHttpRequestException && clientStatus is not null)
        {
            // The framework refused the request before the endpoint's handler ran (binding): it costs no credits.
            (features[typeof(IErrorContextFeature)] as IBeforeEndpointFeature)?.AnsweredBeforeEndpoint();
        }

        var headers = features.Get<IErrorContextFeature>() as IRateLimitHeadersFeature ?? features.Get<IRateLimitHeadersFeature>();
        headers?.WriteRateLimitHeaders(httpContext.Response.Headers);

        var context = httpContext.GetErrorContext();
        var shape = Shape(features.Get<IExceptionHandlerFeature>()?.Endpoint, catalog);
        if (descriptor.Status < 500)
        {
            await ApiErrorWriter.WriteAsync(httpContext.Response, error, context, shape).ConfigureAwait(false);
            return true;
        }

        Log.Unhandled(logger, context.RequestId ?? httpContext.TraceIdentifier, descriptor.Status, descriptor.Code, exception);
        await ApiErrorWriter.WriteUnloggedAsync(httpContext.Response, error, context, shape).ConfigureAwait(false);
        return true;
    }

    /// <summary>The status of a request the server could not read (the client's fault), or null for a server fault.</summary>
    private static int? ClientStatus(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: >= 400 and < 500 } bad => bad.StatusCode,
        // Kestrel reports a chunk size that overflows ("Bad chunk size data.") as a plain IOException of its own.
        IOException { Source: "Microsoft.AspNetCore.Server.Kestrel.Core", Message: "Bad chunk size data." } => StatusCodes.Status400BadRequest,
        _ => null,
    };

    /// <summary>The failed endpoint's shape: the exception handler removed the endpoint from the request before answering.</summary>
    private static BodyShape? Shape(Endpoint? endpoint, ApiErrorCatalog catalog) =>
        endpoint?.Metadata.GetMetadata<IErrorShapeMetadata>()?.ShapeName is { } name ? catalog.GetShape(name) : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Request {RequestId} failed with an unhandled exception; answered {StatusCode} {Code}", EventName = "UnhandledException")]
        public static partial void Unhandled(ILogger logger, string requestId, int statusCode, string code, Exception exception);
    }
}
