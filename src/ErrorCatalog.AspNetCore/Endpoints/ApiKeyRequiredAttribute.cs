namespace ErrorCatalog.Middleware;

/// <summary>A key is required on this action even where keys are optional by default.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ApiKeyRequiredAttribute : Attribute, IApiKeyRequiredMetadata
{
    /// <summary>The shared instance.</summary>
    public static ApiKeyRequiredAttribute Instance { get; } = new();
}
