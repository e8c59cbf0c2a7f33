using System.Collections.Concurrent;
using ErrorCatalog;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>An endpoint's metadata read once: what a request to it must have and what it costs.</summary>
internal sealed class EndpointPolicy
{
    private static readonly ConcurrentDictionary<Endpoint, EndpointPolicy> Cache = new();

    public bool KeyOptional { get; private init; }

    public bool KeyExplicitlyRequired { get; private init; }

    public string[] Plans { get; private init; } = [];

    public string[] Scopes { get; private init; } = [];

    public long? Credits { get; private init; }

    public bool JsonRpc { get; private init; }

    public bool Exempt { get; private init; }

    public BodyShape? Shape { get; private init; }

    /// <summary>The policy of a request without an endpoint (a 404): the application's defaults.</summary>
    public static EndpointPolicy Default { get; } = new();

    public static EndpointPolicy For(Endpoint? endpoint, ApiErrorCatalog catalog) =>
        endpoint is null ? Default : Cache.GetOrAdd(endpoint, static (e, c) => Create(e.Metadata, c), catalog);

    private static EndpointPolicy Create(EndpointMetadataCollection metadata, ApiErrorCatalog catalog) => new()
    {
        KeyOptional = metadata.GetMetadata<IApiKeyOptionalMetadata>() is not null || metadata.GetMetadata<IAllowAnonymous>() is not null,
        KeyExplicitlyRequired = metadata.GetMetadata<IApiKeyRequiredMetadata>() is not null,
        Plans = [.. metadata.GetOrderedMetadata<IRequirePlanMetadata>().SelectMany(m => m.Plans).Distinct()],
        Scopes = [.. metadata.GetOrderedMetadata<IRequireScopeMetadata>().SelectMany(m => m.Scopes).Distinct()],
        Credits = metadata.GetMetadata<ICreditsMetadata>()?.Credits,
        JsonRpc = metadata.GetMetadata<IJsonRpcCreditsMetadata>() is not null,
        Exempt = metadata.GetMetadata<IExemptFromLimitsMetadata>() is not null,
        Shape = metadata.GetMetadata<IErrorShapeMetadata>() is { } shape ? catalog.GetShape(shape.ShapeName) : null,
    };
}
