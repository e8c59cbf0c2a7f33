using ErrorCatalog.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Describes the error catalog's answers in Microsoft.AspNetCore.OpenApi documents.</summary>
public static class ApiErrorCatalogOpenApiOptionsExtensions
{
    /// <summary>
    /// Adds to each operation the catalog errors its endpoint can answer, from its metadata (key required or
    /// optional, <c>RequirePlan</c>, <c>RequireScope</c>, credits, <c>ExemptFromLimits</c>) and the running
    /// configuration: 401 where a key is required, 402 and 403 for key states, plans and scopes, 429 for its limits
    /// with <c>Retry-After</c> and the configured rate-limit headers (also on its 2xx responses), 503 where the
    /// counters fail closed or a custom key store can fail; each with the body schema of its shape and an example
    /// written by the real writer. Adds the API key security schemes (header, and query parameter when configured)
    /// and a security requirement on each operation. An endpoint returning <c>ApiError</c> gets a default response.
    /// Needs <c>AddApiErrorCatalog</c> on the services; without it the document is left as it is.
    /// </summary>
    /// <example><c>builder.Services.AddOpenApi(o => o.AddApiErrorCatalog());</c></example>
    public static OpenApiOptions AddApiErrorCatalog(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transformer = new CatalogOpenApiTransformer();
        options.AddOperationTransformer(transformer);
        options.AddDocumentTransformer(transformer);
        return options;
    }
}
