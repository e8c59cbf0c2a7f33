namespace ErrorCatalog.Middleware;

/// <summary>
/// Credit costs of JSON-RPC methods (<c>{"method":"eth_call"}</c>). A body whose cost cannot be read the way the
/// endpoint would run it (not JSON, no string <c>"method"</c>, a member given twice, ...) is refused with the catalog's
/// <c>refusal: InvalidRequest</c> entry and costs nothing.
/// </summary>
public sealed class JsonRpcOptions
{
    /// <summary>Cost of a method not in <see cref="Methods"/>. Default 10.</summary>
    public long DefaultCost { get; set; } = 10;

    /// <summary>Cost by method name, matched exactly (ordinal), as the endpoint should match them.</summary>
    public Dictionary<string, long> Methods { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The most body bytes read to find the methods. Default 1 MiB. A single request that does not end within them is
    /// charged the most expensive method (a later <c>"method"</c> could name any); a batch is refused (its calls cannot
    /// be counted). From 1 to 33554432 (32 MiB).
    /// </summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether a body may be a batch (an array of requests, costing their sum). Default true; false when the endpoint
    /// answers batches with an error anyway, so they are refused before they are charged.
    /// </summary>
    public bool AllowBatches { get; set; } = true;

    /// <summary>
    /// The catalog code answering a body that is not JSON (JSON-RPC's -32700 Parse error). Default null: the entry
    /// answering <c>refusal: InvalidRequest</c>.
    /// </summary>
    public string? ParseError { get; set; }
}
