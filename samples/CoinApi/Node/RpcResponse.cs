using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoinApi.Node;

/// <summary>A JSON-RPC 2.0 success: <c>{"jsonrpc": "2.0", "result": …, "id": …}</c>. Errors come from errors.yaml.</summary>
internal sealed record RpcResponse(
    [property: JsonPropertyName("jsonrpc")] string JsonRpc,
    [property: JsonPropertyName("result")] object? Result,
    [property: JsonPropertyName("id")] JsonElement? Id);
