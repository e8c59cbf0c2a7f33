using ErrorCatalog.Middleware;

namespace Microsoft.AspNetCore.Builder;

// Minimal-API and route-group conventions; they add the same metadata as ApiKeyAttribute's settings.
public static partial class ApiErrorCatalogBuilderExtensions
{
    /// <summary>The endpoints cost <paramref name="credits"/> credits per request.</summary>
    public static TBuilder WithCredits<TBuilder>(this TBuilder builder, long credits)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new CreditsAttribute(credits));

    /// <summary>The endpoints' cost comes from the JSON-RPC method in the body.</summary>
    public static TBuilder WithJsonRpcCredits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(JsonRpcCreditsAttribute.Instance);

    /// <summary>Only keys whose plan is, or includes the feature, one of <paramref name="plans"/>.</summary>
    public static TBuilder RequirePlan<TBuilder>(this TBuilder builder, params string[] plans)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequirePlanAttribute(plans));

    /// <summary>Only keys holding every one of <paramref name="scopes"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequireScopeAttribute(scopes));

    /// <summary>A key is optional on these endpoints.</summary>
    public static TBuilder ApiKeyOptional<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ApiKeyOptionalAttribute.Instance);

    /// <summary>A key is required on these endpoints even where keys are optional by default.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ApiKeyRequiredAttribute.Instance);

    /// <summary>These endpoints count against no limit.</summary>
    public static TBuilder ExemptFromLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ExemptFromLimitsAttribute.Instance);
}
