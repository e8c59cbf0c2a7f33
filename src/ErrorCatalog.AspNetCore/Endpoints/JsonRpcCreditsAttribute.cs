namespace ErrorCatalog.Middleware;

/// <summary>The action's cost comes from the JSON-RPC method in its body (<c>ApiErrorCatalog:JsonRpc</c>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class JsonRpcCreditsAttribute : Attribute, IJsonRpcCreditsMetadata
{
    /// <summary>The shared instance.</summary>
    public static JsonRpcCreditsAttribute Instance { get; } = new();
}
