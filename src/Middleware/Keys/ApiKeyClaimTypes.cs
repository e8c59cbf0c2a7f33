namespace ErrorCatalog.Middleware;

/// <summary>Claims of an API-key principal, for policies (<c>RequireClaim(ApiKeyClaimTypes.Scope, "…")</c>).</summary>
public static class ApiKeyClaimTypes
{
    /// <summary>The key's id (the principal's name).</summary>
    public const string KeyId = "api_key_id";

    /// <summary>The key's plan.</summary>
    public const string Plan = "api_plan";

    /// <summary>The key's subscription.</summary>
    public const string Subscription = "api_subscription";

    /// <summary>One claim per scope.</summary>
    public const string Scope = "scope";
}
