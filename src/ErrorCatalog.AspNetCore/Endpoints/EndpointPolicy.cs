using ErrorCatalog;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ErrorCatalog.Middleware;

/// <summary>An endpoint's metadata read once: what a request to it must have and what it costs.</summary>
internal sealed class EndpointPolicy
{
    public bool KeyOptional { get; private init; }

    public bool KeyExplicitlyRequired { get; private init; }

    public string[] Plans { get; private init; } = [];

    public string[] Scopes { get; private init; } = [];

    public long? Credits { get; private init; }

    public bool JsonRpc { get; private init; }

    public bool Exempt { get; private init; }

    /// <summary>
    /// A key presented here is checked but never made the request's user: the usage endpoint's support routes, whose
    /// authorization policy must see the staff's own sign-in, not any customer's valid key.
    /// </summary>
    public bool KeyNotUser { get; private init; }

    /// <summary>
    /// Only the IP limit applies: the OpenAPI document and health checks, which need no key and spend no key's or
    /// subscription's quota, yet stay throttled per client (the document is built on request, a health check may
    /// query a database).
    /// </summary>
    public bool IpLimitOnly { get; private init; }

    /// <summary>
    /// A key or access refusal here counts against the IP limit: everywhere but on endpoints exempt from limits by
    /// <c>ExemptFromLimits</c>. The OpenAPI document and health checks, exempt by default, keep it, so they are no
    /// unthrottled place to try keys.
    /// </summary>
    public bool RefusalsCount { get; private init; } = true;

    public BodyShape? Shape { get; private init; }

    /// <summary>
    /// A CORS preflight here is the CORS middleware's to answer, not the endpoint's: it passes without a key and
    /// costs nothing. Set only in an application that uses CORS, for routing's own rejections (a preflight to a path
    /// whose endpoints take other methods is routing's 405) and for endpoints with CORS metadata that do not take
    /// OPTIONS themselves (routing matched the preflight for CORS's sake). Not where no endpoint matched: what runs
    /// after this middleware then (<c>app.Run</c>, a terminal middleware) would see a keyless request.
    /// </summary>
    public bool CorsPreflightPasses { get; private init; }

    /// <summary>
    /// The endpoint a passing preflight is routed to instead: the same metadata (so the CORS middleware finds the same
    /// policy), and a delegate that answers 204 without running the handler, for when no CORS policy answers it.
    /// </summary>
    public Endpoint? PreflightEndpoint { get; private init; }

    /// <summary>
    /// The policy of a request no endpoint of the application answers (an unknown route's 404, routing's 405): the
    /// application's defaults for keys and request limits, and no credits, as nothing was served.
    /// </summary>
    public static EndpointPolicy Default { get; } = new() { Credits = 0 };

    /// <summary>The policy of routing's rejections in an application that uses CORS: a preflight passes.</summary>
    public static EndpointPolicy DefaultWithCors { get; } = new() { Credits = 0, CorsPreflightPasses = true };

    /// <summary>
    /// Whether <paramref name="endpoint"/> is one of routing's own rejections rather than an application's: the 405
    /// of HttpMethodMatcherPolicy and the 415 of AcceptsMatcherPolicy are plain <see cref="Endpoint"/>s without
    /// metadata, while every endpoint an application maps (minimal APIs, controllers, pages) is a
    /// <see cref="RouteEndpoint"/>.
    /// </summary>
    internal static bool IsRoutingRejection(Endpoint endpoint) => endpoint is not RouteEndpoint && endpoint.Metadata.Count == 0;

    /// <summary>
    /// Reads <paramref name="endpoint"/>'s metadata; <see cref="EndpointPolicyCache"/> keeps the result.
    /// <paramref name="cors"/>: the application uses CORS, so preflights may reach this middleware.
    /// </summary>
    internal static EndpointPolicy Create(Endpoint endpoint, ApiErrorCatalog catalog, bool cors = false) =>
        IsRoutingRejection(endpoint) ? (cors ? DefaultWithCors : Default) : Create(endpoint, ApiKeyAttribute.Expand(endpoint.Metadata), catalog, cors);

    private static EndpointPolicy Create(Endpoint endpoint, EndpointMetadataCollection metadata, ApiErrorCatalog catalog, bool cors)
    {
        // The OpenAPI document and health checks need no key and cost nothing, unless the app declared otherwise.
        var infrastructure = InfrastructureEndpoint.Is(endpoint) && !InfrastructureEndpoint.DeclaresKeyUse(metadata);
        var preflightPasses = cors && metadata.GetMetadata<ICorsMetadata>() is not null && !TakesOptions(metadata);
        return new()
        {
            KeyOptional = infrastructure || metadata.GetMetadata<IApiKeyOptionalMetadata>() is not null || metadata.GetMetadata<IAllowAnonymous>() is not null,
            KeyExplicitlyRequired = metadata.GetMetadata<IApiKeyRequiredMetadata>() is not null,
            Plans = [.. metadata.GetOrderedMetadata<IRequirePlanMetadata>().SelectMany(m => m.Plans).Distinct()],
            Scopes = [.. metadata.GetOrderedMetadata<IRequireScopeMetadata>().SelectMany(m => m.Scopes).Distinct()],
            Credits = metadata.GetMetadata<ICreditsMetadata>()?.Credits,
            JsonRpc = metadata.GetMetadata<IJsonRpcCreditsMetadata>() is not null,
            Exempt = metadata.GetMetadata<IExemptFromLimitsMetadata>() is not null,
            KeyNotUser = metadata.GetMetadata<KeyNotUserMetadata>() is not null,
            IpLimitOnly = infrastructure,
            RefusalsCount = metadata.GetMetadata<IExemptFromLimitsMetadata>() is null,
            Shape = metadata.GetMetadata<IErrorShapeMetadata>() is { } shape ? catalog.GetShape(shape.ShapeName) : null,
            CorsPreflightPasses = preflightPasses,
            PreflightEndpoint = preflightPasses ? new Endpoint(AnswerPreflight, endpoint.Metadata, endpoint.DisplayName) : null,
        };
    }

    private static Task AnswerPreflight(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    // An endpoint that lists OPTIONS (or takes every method) answers preflights itself, so they keep its key rules.
    private static bool TakesOptions(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } methods
        || methods.HttpMethods.Contains(HttpMethods.Options, StringComparer.OrdinalIgnoreCase);
}
