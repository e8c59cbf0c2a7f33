namespace ErrorCatalog.Middleware;

/// <summary>
/// What a JSON-RPC body costs, or why it cannot be costed: then <see cref="Invalid"/> is the reason the request is
/// refused with (<c>refusal: InvalidRequest</c>), and it costs nothing.
/// </summary>
internal readonly record struct JsonRpcCost(long Credits, string? Invalid = null);
