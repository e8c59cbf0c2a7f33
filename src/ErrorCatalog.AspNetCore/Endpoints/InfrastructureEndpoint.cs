using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Recognizes the endpoints that describe or watch the API rather than serve it: the OpenAPI document of
/// <c>MapOpenApi</c>, the health checks of <c>MapHealthChecks</c> and the page of <c>MapErrorCatalogDocs</c>. Their callers (API tooling, load balancers,
/// orchestrators) hold no key, so by default they need none and count against no limit.
/// </summary>
/// <remarks>
/// Recognized by what maps them, not by a general rule such as "excluded from the API description": an app's own
/// hidden endpoints (admin, webhooks) carry that metadata too and must keep their keys.
/// </remarks>
internal static class InfrastructureEndpoint
{
    // The assembly of Microsoft.AspNetCore.OpenApi, whose only endpoint is MapOpenApi's document (not referenced here).
    private const string OpenApiAssembly = "Microsoft.AspNetCore.OpenApi";

    /// <summary>Whether <paramref name="endpoint"/> is an OpenAPI document, health-check or docs endpoint.</summary>
    public static bool Is(Endpoint endpoint) =>
        IsHealthChecks(endpoint) || IsOpenApiDocument(endpoint.Metadata) || endpoint.Metadata.GetMetadata<DocsSource>() is not null;

    /// <summary>
    /// Whether the endpoint declares what a key it takes or what it costs (<c>RequireApiKey()</c>, a bare
    /// <c>[ApiKey]</c>, <c>RequirePlan</c>, <c>RequireScope</c>, <c>WithCredits</c>, <c>WithJsonRpcCredits</c>): an
    /// app that says so has made it an API endpoint like any other.
    /// </summary>
    public static bool DeclaresKeyUse(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<IApiKeyRequiredMetadata>() is not null
        || metadata.GetMetadata<IRequirePlanMetadata>() is not null
        || metadata.GetMetadata<IRequireScopeMetadata>() is not null
        || metadata.GetMetadata<ICreditsMetadata>() is not null
        || metadata.GetMetadata<IJsonRpcCreditsMetadata>() is not null;

    // The display name MapHealthChecks gives its endpoints.
    private const string HealthChecksDisplayName = "Health checks";

    /// <summary>
    /// MapHealthChecks maps the pipeline <c>UseMiddleware&lt;HealthCheckMiddleware&gt;().Build()</c>, whose delegate is
    /// the middleware's own InvokeAsync; endpoint filters (<c>AddValidation()</c> adds one to every endpoint) wrap
    /// it, but the endpoint keeps that method's attributes as metadata. The display name is the last resort: an app
    /// may change it, and a framework version may change the rest.
    /// </summary>
    private static bool IsHealthChecks(Endpoint endpoint) =>
        endpoint.RequestDelegate?.Target is HealthCheckMiddleware
        || endpoint.Metadata.GetMetadata<AsyncStateMachineAttribute>()?.StateMachineType.DeclaringType == typeof(HealthCheckMiddleware)
        || endpoint.DisplayName == HealthChecksDisplayName;

    // MapOpenApi maps a route handler declared in its own assembly; the handler's method is the endpoint's metadata.
    private static bool IsOpenApiDocument(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<MethodInfo>()?.DeclaringType?.Assembly.GetName().Name == OpenApiAssembly;
}
