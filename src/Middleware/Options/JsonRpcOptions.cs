namespace ErrorCatalog.Middleware;

/// <summary>Credit costs of JSON-RPC methods (<c>{"method":"eth_call"}</c>).</summary>
public sealed class JsonRpcOptions
{
    /// <summary>Cost of a method not in <see cref="Methods"/>. Default 10.</summary>
    public long DefaultCost { get; set; } = 10;

    /// <summary>Cost by method name.</summary>
    public Dictionary<string, long> Methods { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most body bytes read to find the method. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
