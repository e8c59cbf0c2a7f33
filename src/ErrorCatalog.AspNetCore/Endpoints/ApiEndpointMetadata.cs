namespace ErrorCatalog.Middleware;

/// <summary>The endpoint costs this many credits (limits of kind <see cref="LimitKind.Credits"/>).</summary>
internal interface ICreditsMetadata
{
    /// <summary>Credits per request.</summary>
    long Credits { get; }
}

/// <summary>The endpoint's credit cost comes from the JSON-RPC method(s) in its body.</summary>
internal interface IJsonRpcCreditsMetadata;

/// <summary>The key's plan must include one of these plans or features.</summary>
internal interface IRequirePlanMetadata
{
    /// <summary>Plan names or features; any one admits.</summary>
    IReadOnlyList<string> Plans { get; }
}

/// <summary>The key must hold every one of these scopes.</summary>
internal interface IRequireScopeMetadata
{
    /// <summary>Required scopes.</summary>
    IReadOnlyList<string> Scopes { get; }
}

/// <summary>A key is optional: without one the request goes on (IP limit only); a bad key is still refused.</summary>
internal interface IApiKeyOptionalMetadata;

/// <summary>A key is required here even where keys are optional by default (refused with KeyRequired).</summary>
internal interface IApiKeyRequiredMetadata;

/// <summary>The endpoint counts against no limit (keys are still checked).</summary>
internal interface IExemptFromLimitsMetadata;
