namespace ErrorCatalog.Middleware;

/// <summary>Where clients send their key, and what a well-formed key looks like.</summary>
public sealed class ApiKeyReadingOptions
{
    /// <summary>
    /// Header names tried in order. <c>Authorization</c> means <c>Authorization: Bearer &lt;key&gt;</c>.
    /// Default: <c>X-API-Key</c>.
    /// </summary>
    public List<string> Headers { get; set; } = [];

    /// <summary>A query-string parameter that may carry the key (null: not accepted). Keys in URLs end up in logs; prefer headers.</summary>
    public string? QueryParameter { get; set; }

    /// <summary>Whether endpoints need a key unless marked <c>KeyOptional()</c>. Default true.</summary>
    public bool Required { get; set; } = true;

    /// <summary>Longest accepted key; longer input is refused as invalid before hashing. Default 256.</summary>
    public int MaxLength { get; set; } = 256;

    /// <summary>How long keys from a custom <see cref="IApiKeyStore"/> are cached. Default 30 s; zero disables.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many recently presented keys that resolved are remembered with their hashes, so their next requests skip
    /// SHA-256 (the largest single cost of an admitted request). Default 10,000; 0 disables. The trade-off: while
    /// cached, a key stays in this process's memory as the string its request carried, not only for the length of
    /// a request. Set 0 where keys must not outlive their requests in memory (say, a process whose memory dumps
    /// are shared).
    /// </summary>
    public int HashCacheSize { get; set; } = 10_000;

    internal IReadOnlyList<string> EffectiveHeaders => Headers.Count == 0 ? ["X-API-Key"] : Headers;
}
