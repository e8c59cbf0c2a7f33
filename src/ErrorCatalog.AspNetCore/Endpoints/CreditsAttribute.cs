namespace ErrorCatalog.Middleware;

/// <summary>The action costs this many credits.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class CreditsAttribute : Attribute, ICreditsMetadata
{
    /// <summary>Sets the cost.</summary>
    public CreditsAttribute(long credits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(credits);
        Credits = credits;
    }

    /// <inheritdoc />
    public long Credits { get; }
}
