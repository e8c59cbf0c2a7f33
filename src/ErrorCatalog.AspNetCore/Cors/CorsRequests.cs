using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What the middleware does for browsers in an app that uses CORS: lets preflights through to the CORS middleware,
/// and warns once when that middleware runs after this one, where the refusals it answers carry no CORS headers.
/// </summary>
internal sealed partial class CorsRequests(ILogger<CorsRequests> logger)
{
    // Set by CorsMiddleware on a request with an endpoint (EndpointMiddleware reads it to require UseCors).
    private const string CorsInvokedKey = "__CorsMiddlewareWithEndpointInvoked";

    // The pipeline's order cannot change once built: one cross-origin request tells it.
    private volatile bool _orderKnown;

    /// <summary>Whether <paramref name="request"/> is a CORS preflight (OPTIONS asking for a method, with an Origin).</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && request.Headers.ContainsKey(HeaderNames.Origin)
        && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod);

    /// <summary>
    /// Whether a preflight passes on to the CORS middleware: not when that middleware ran already (before this one)
    /// and let it through, which it does only when no policy answers it; then the endpoint's key rules apply. When it
    /// passes, the endpoint is swapped for <see cref="EndpointPolicy.PreflightEndpoint"/>, so whatever the CORS
    /// middleware then decides, the handler does not run for a request without a key.
    /// </summary>
    public static bool PassPreflight(HttpContext context, EndpointPolicy policy)
    {
        if (!IsPreflight(context.Request) || context.Items.ContainsKey(CorsInvokedKey))
        {
            return false;
        }

        if (policy.PreflightEndpoint is { } preflight)
        {
            context.SetEndpoint(preflight);
        }

        return true;
    }

    /// <summary>
    /// For a request to an endpoint with CORS metadata (which only runs after the CORS middleware): when the request
    /// is cross-origin and that middleware has not run yet, it runs after this one, so this one's refusals reach the
    /// browser without Access-Control-Allow-Origin and a script cannot read them.
    /// </summary>
    public void CheckOrder(HttpContext context)
    {
        if (_orderKnown || !context.Request.Headers.ContainsKey(HeaderNames.Origin))
        {
            return;
        }

        _orderKnown = true;
        if (!context.Items.ContainsKey(CorsInvokedKey))
        {
            Log.CorsAfter(logger, context.GetEndpoint()?.DisplayName);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(55, LogLevel.Warning,
            "app.UseCors() runs after app.UseApiErrorCatalog() (seen on endpoint {Endpoint}): refusals (401, 403, 429) "
            + "carry no CORS headers, so browser scripts cannot read them. Call app.UseCors() before app.UseApiErrorCatalog().",
            EventName = "CorsAfterApiErrorCatalog")]
        public static partial void CorsAfter(ILogger logger, string? endpoint);
    }
}
