using System.Collections.Frozen;

namespace ErrorCatalog.Middleware;

/// <summary>A plan as checked: its key- and subscription-scoped limits and its features.</summary>
internal sealed class Plan(string name, LimitDefinition[] limits, FrozenSet<string> features)
{
    public string Name { get; } = name;

    public LimitDefinition[] Limits { get; } = limits;

    /// <summary>Its features, the plan's own name included.</summary>
    public FrozenSet<string> Features { get; } = features;
}
