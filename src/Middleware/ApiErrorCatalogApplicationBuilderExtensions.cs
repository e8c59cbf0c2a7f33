using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the API-key and limits middleware.</summary>
public static class ApiErrorCatalogApplicationBuilderExtensions
{
    /// <summary>
    /// Checks every request's key, plan, scopes and limits, answering refusals from the catalog and adding
    /// rate-limit headers to every response. Place it after <c>UseRouting</c> (implicit in minimal apps) and
    /// after <c>UseForwardedHeaders</c> if the app is behind a proxy.
    /// </summary>
    public static IApplicationBuilder UseApiErrorCatalog(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<ApiErrorCatalogRuntime>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddApiErrorCatalog(...) before app.UseApiErrorCatalog().");
        }

        return app.UseMiddleware<ApiErrorCatalogMiddleware>();
    }
}
