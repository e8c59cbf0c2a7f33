using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ErrorCatalog.Middleware;

/// <summary>An endpoint that declares what it costs or requires (<c>WithCredits</c>, <c>RequirePlan</c>, <c>RequireScope</c>).</summary>
internal sealed record DocsEndpoint(string Route, string Methods, long? Credits, bool JsonRpc, string[] Plans, string[] Scopes)
{
    public static IEnumerable<DocsEndpoint> From(EndpointDataSource source)
    {
        foreach (var endpoint in source.Endpoints)
        {
            if (endpoint is not RouteEndpoint route)
            {
                continue;
            }

            var metadata = ApiKeyAttribute.Expand(endpoint.Metadata);
            var credits = metadata.GetMetadata<ICreditsMetadata>()?.Credits;
            var jsonRpc = metadata.GetMetadata<IJsonRpcCreditsMetadata>() is not null;
            string[] plans = [.. metadata.GetOrderedMetadata<IRequirePlanMetadata>().SelectMany(static m => m.Plans).Distinct()];
            string[] scopes = [.. metadata.GetOrderedMetadata<IRequireScopeMetadata>().SelectMany(static m => m.Scopes).Distinct()];
            if (credits is null && !jsonRpc && plans.Length == 0 && scopes.Length == 0)
            {
                continue;
            }

            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } list ? string.Join(", ", list) : "any";
            yield return new("/" + (route.RoutePattern.RawText ?? string.Empty).TrimStart('/'), methods, credits, jsonRpc, plans, scopes);
        }
    }
}
