namespace ErrorCatalog.Middleware;

/// <summary>
/// A plan (tier): its limits by name and the features it includes. A plan has at least one limit, or declares
/// <c>"Unlimited": true</c> to have none. A plan without limits is never inferred from a missing, <c>null</c> or
/// empty <c>Limits</c> (or a plan written as <c>"free": null</c>): configuration cannot tell those from a typo or
/// a lost line, and read that way they would leave every key of the plan unlimited.
/// </summary>
public sealed class PlanOptions
{
    /// <summary>Limits by name (the name appears in <c>RateLimit-Policy</c>). Required unless <see cref="Unlimited"/>.</summary>
    public Dictionary<string, LimitOptions> Limits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Declares the plan limitless: its keys are checked (key, state, plan, scopes, IP allow-list) but never
    /// counted, except by the IP limit. Must not be combined with <see cref="Limits"/>. Default false.
    /// </summary>
    public bool Unlimited { get; set; }

    /// <summary>Features endpoints may require with <c>RequirePlan(...)</c>, besides the plan's own name.</summary>
    public List<string> Features { get; set; } = [];
}
