namespace ErrorCatalog.Middleware;

/// <summary>A subscription: one plan, shared by its keys, with its own state.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>The plan's name.</summary>
    public string Plan { get; set; } = string.Empty;

    /// <summary>The subscription's state (payment required, payment expired…). Default active.</summary>
    public ApiKeyState State { get; set; } = ApiKeyState.Active;

    /// <summary>Permit limits that replace the plan's, by limit name.</summary>
    public Dictionary<string, long> Limits { get; set; } = new(StringComparer.Ordinal);
}
