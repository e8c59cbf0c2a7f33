namespace ErrorCatalog.Middleware;

/// <summary>
/// What a JSON-RPC body costs, or why it cannot be costed: then <see cref="Invalid"/> is the reason the request is
/// refused with, and it costs nothing. The answer is <see cref="Answer"/> when set (a parse error), else the catalog's
/// <c>refusal: InvalidRequest</c> entry.
/// </summary>
internal readonly record struct JsonRpcCost(long Credits, string? Invalid = null, ErrorDescriptor? Answer = null);
