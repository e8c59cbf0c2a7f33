namespace ErrorCatalog.Middleware;

/// <summary>A plan (tier): its limits by name and the features it includes.</summary>
public sealed class PlanOptions
{
    /// <summary>Limits by name (the name appears in <c>RateLimit-Policy</c>).</summary>
    public Dictionary<string, LimitOptions> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Features endpoints may require with <c>RequirePlan(...)</c>, besides the plan's own name.</summary>
    public List<string> Features { get; set; } = [];
}
