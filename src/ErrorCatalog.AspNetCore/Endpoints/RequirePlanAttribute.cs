namespace ErrorCatalog.Middleware;

/// <summary>Only keys whose plan is, or includes the feature, one of these (else PlanNotAuthorized).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
internal sealed class RequirePlanAttribute : Attribute, IRequirePlanMetadata
{
    /// <summary>Plans or features; any one admits.</summary>
    public RequirePlanAttribute(params string[] plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        if (plans.Length == 0)
        {
            throw new ArgumentException("Name at least one plan or feature.", nameof(plans));
        }

        Plans = plans;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Plans { get; }
}
