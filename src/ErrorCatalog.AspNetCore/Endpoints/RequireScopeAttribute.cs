namespace ErrorCatalog.Middleware;

/// <summary>Only keys holding all these scopes (else InsufficientScope).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
internal sealed class RequireScopeAttribute : Attribute, IRequireScopeMetadata
{
    /// <summary>Required scopes.</summary>
    public RequireScopeAttribute(params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = scopes;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Scopes { get; }
}
