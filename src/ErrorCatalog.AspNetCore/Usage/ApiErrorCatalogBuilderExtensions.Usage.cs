using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

// The usage endpoint: what a key has used and has left, for its own dashboards and for support.
public static partial class ApiErrorCatalogBuilderExtensions
{
    /// <summary>
    /// Serves usage as JSON (<see cref="IApiUsage"/>): <c>GET {pattern}</c> answers the calling key's own limits, with
    /// the figures of this very request's decision, so the body equals the response's rate-limit headers. It is an
    /// API endpoint like any other: it takes the key and is charged as any request (mark it <c>ExemptFromLimits()</c>
    /// so checking usage costs nothing); a request without a key gets the catalog's key refusal.
    /// </summary>
    /// <remarks>
    /// With <paramref name="adminPolicy"/>, also <c>GET {pattern}/keys/{id}</c> (a key's id, or the hash of a key an
    /// <see cref="IApiKeyStore"/> holds) and <c>GET {pattern}/subscriptions/{id}</c>, for support and dashboards, each
    /// requiring that authorization policy (<c>AddAuthorization</c>, <c>UseAuthorization</c>); they take no key, spend
    /// no quota and stay out of the API description. Without a policy they are not mapped at all, so they are never
    /// open by accident. An id that names nothing answers 404 from the catalog.
    /// </remarks>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">The route. Default <c>/usage</c>.</param>
    /// <param name="adminPolicy">The authorization policy guarding the routes for any key or subscription; null maps the caller's own route only.</param>
    /// <returns>The group of the usage endpoints, for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddApiErrorCatalog</c> was not called, or a policy is given without <c>AddAuthorization</c>.</exception>
    public static RouteGroupBuilder MapApiUsage(this IEndpointRouteBuilder endpoints, string pattern = "/usage", string? adminPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (adminPolicy is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(adminPolicy);
        }

        var services = endpoints.ServiceProvider;
        if (services.GetService<IApiUsage>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddApiErrorCatalog(...) before app.MapApiUsage().");
        }

        if (adminPolicy is not null && services.GetService<IAuthorizationPolicyProvider>() is null)
        {
            throw new InvalidOperationException(
                $"app.MapApiUsage() guards its routes for any key with the authorization policy '{adminPolicy}': call builder.Services.AddAuthorization(...) and define it.");
        }

        pattern = "/" + pattern.Trim('/');
        var under = pattern == "/" ? string.Empty : pattern;
        var handlers = new UsageEndpoint(services);
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet(pattern, handlers.Own).RequireApiKey().WithDisplayName("API usage: own key");
        if (adminPolicy is not null)
        {
            // Support's routes: the caller is the application's own staff or tools, authorized by the policy, not a key;
            // a customer's valid key is never their user, so a policy that names no scheme cannot be met with one.
            group.MapGet(under + "/keys/{id}", handlers.Key)
                .RequireAuthorization(adminPolicy).ApiKeyOptional().ExemptFromLimits().ExcludeFromDescription().WithDisplayName("API usage: a key")
                .WithMetadata(KeyNotUserMetadata.Instance);
            group.MapGet(under + "/subscriptions/{id}", handlers.Subscription)
                .RequireAuthorization(adminPolicy).ApiKeyOptional().ExemptFromLimits().ExcludeFromDescription().WithDisplayName("API usage: a subscription")
                .WithMetadata(KeyNotUserMetadata.Instance);
        }

        return group;
    }
}
