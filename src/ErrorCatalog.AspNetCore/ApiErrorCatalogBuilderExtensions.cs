using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The API-key and limits middleware, and the endpoint conventions it reads.</summary>
public static partial class ApiErrorCatalogBuilderExtensions
{
    // Set by UseRouting on the builder it is called on (EndpointRoutingApplicationBuilderExtensions).
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    /// <summary>
    /// Checks every request's key, plan, scopes and limits, answering refusals from the catalog and adding
    /// rate-limit headers to every response. Place it after <c>UseRouting</c> (implicit in minimal apps) and
    /// after <c>UseForwardedHeaders</c> if the app is behind a proxy.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// At start-up, when <c>UseRouting()</c> is called after this on the same pipeline: no endpoint would be known
    /// when the checks run, so plans, scopes and credits declared on endpoints would be silently ignored.
    /// </exception>
    public static IApplicationBuilder UseApiErrorCatalog(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<KeyStep>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddApiErrorCatalog(...) before app.UseApiErrorCatalog().");
        }

        // Whether routing already runs before this point. Without it, routing either runs before the whole pipeline
        // (WebApplication adds UseRouting first when the app never calls it) or is added after this call, which
        // only the built pipeline tells: its factory below runs when the pipeline is built, at start-up.
        var routedBefore = app.Properties.ContainsKey(EndpointRouteBuilderKey);
        app.Use(next =>
        {
            if (!routedBefore && app.Properties.ContainsKey(EndpointRouteBuilderKey))
            {
                throw new InvalidOperationException(
                    "app.UseApiErrorCatalog() is called before app.UseRouting(): no endpoint is known when it runs, so "
                    + "RequirePlan, RequireScope, WithCredits and the other endpoint metadata would be ignored (a key on "
                    + "any plan would reach every endpoint). Call app.UseRouting() before app.UseApiErrorCatalog(), or "
                    + "remove the UseRouting() call in a minimal app (WebApplication then routes first).");
            }

            return next; // nothing per request: the check is the pipeline's build
        });
        return app.UseMiddleware<ApiErrorCatalogMiddleware>();
    }
}
