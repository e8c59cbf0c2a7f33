namespace ErrorCatalog.Middleware;

/// <summary>
/// Names used by the API-key authentication scheme (<c>AddAuthentication().AddApiKey()</c>): the scheme and the claims
/// of its principal, for policies (<c>RequireClaim(ApiKeyDefaults.ScopeClaimType, "…")</c>).
/// </summary>
public static class ApiKeyDefaults
{
    /// <summary>The scheme's name.</summary>
    public const string AuthenticationScheme = "ApiKey";

    /// <summary>The claim holding the key's id (the principal's name).</summary>
    public const string KeyIdClaimType = "api_key_id";

    /// <summary>The claim holding the key's plan.</summary>
    public const string PlanClaimType = "api_plan";

    /// <summary>The claim holding the key's subscription.</summary>
    public const string SubscriptionClaimType = "api_subscription";

    /// <summary>One claim per scope of the key.</summary>
    public const string ScopeClaimType = "scope";
}
