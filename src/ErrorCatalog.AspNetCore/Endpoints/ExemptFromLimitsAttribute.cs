namespace ErrorCatalog.Middleware;

/// <summary>The action counts against no limit.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ExemptFromLimitsAttribute : Attribute, IExemptFromLimitsMetadata
{
    /// <summary>The shared instance.</summary>
    public static ExemptFromLimitsAttribute Instance { get; } = new();
}
