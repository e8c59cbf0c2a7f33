namespace ErrorCatalog.Middleware;

/// <summary>A key is optional on this action.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ApiKeyOptionalAttribute : Attribute, IApiKeyOptionalMetadata
{
    /// <summary>The shared instance.</summary>
    public static ApiKeyOptionalAttribute Instance { get; } = new();
}
