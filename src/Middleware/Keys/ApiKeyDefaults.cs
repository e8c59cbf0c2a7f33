namespace ErrorCatalog.Middleware;

/// <summary>Names used by the API-key authentication scheme.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The scheme's name.</summary>
    public const string AuthenticationScheme = "ApiKey";
}
