namespace ErrorCatalog.Middleware;

/// <summary>
/// One API key configured under <c>ApiErrorCatalog:ApiKeys</c>, for the configuration-backed key store: the key's
/// record and its SHA-256 hash, never the key itself. A key store of your own returns <see cref="ApiKeyRecord"/>s.
/// </summary>
public sealed class ConfiguredApiKey : ApiKeyRecord
{
    /// <summary>SHA-256 of the key's UTF-8 bytes, 64 hex digits (<c>ApiKeyHash.Compute("…")</c>).</summary>
    public string Hash { get; init; } = string.Empty;
}
