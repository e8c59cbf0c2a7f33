using System.Globalization;
using System.Text.Json;

namespace CoinApi.Node;

/// <summary>
/// <c>POST /</c>: one JSON-RPC 2.0 request, answered with its result or a catalog error. Its credit cost was taken
/// by the middleware before this runs, from the method (<c>JsonRpc:Methods</c>: eth_call 20, others 10).
/// </summary>
internal static class JsonRpcEndpoint
{
    /// <summary>The methods this node answers (a few of the page's table, and eth_call).</summary>
    public static readonly string[] Methods =
    [
        "getblockcount", "getbestblockhash", "getblockhash", "getblockchaininfo", "getdifficulty", "getconnectioncount",
        "generatetoaddress", "generateblock", "waitfornewblock", "help", "eth_blockNumber", "eth_chainId", "eth_call",
    ];

    /// <summary>The members JSON-RPC defines: each may appear once (the middleware refuses the same before it charges).</summary>
    private static readonly string[] Members = ["jsonrpc", "method", "params", "id"];

    public static async Task<IResult> HandleAsync(HttpRequest request, Chain chain, TimeProvider time, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, aborted);
        }
        catch (JsonException)
        {
            return ApiErrors.ParseError();
        }

        using (document)
        {
            var call = document.RootElement;
            if (call.ValueKind == JsonValueKind.Array)
            {
                return ApiErrors.InvalidRequest("Batch requests are not supported: send one request object per call.");
            }

            if (call.ValueKind != JsonValueKind.Object)
            {
                return ApiErrors.InvalidRequest("The body must be a JSON-RPC 2.0 request object.");
            }

            // JsonDocument keeps the last of two "method" members, a streaming reader the first: a request naming two
            // is refused, by the middleware's cost reader and here alike, so what is charged is what runs.
            if (Duplicate(call) is { } member)
            {
                return ApiErrors.InvalidRequest($"\"{member}\" appears more than once.");
            }

            if (!call.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
            {
                return ApiErrors.InvalidRequest("\"jsonrpc\" must be \"2.0\".");
            }

            if (!call.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
            {
                return ApiErrors.InvalidRequest("\"method\" must be a string.");
            }

            JsonElement? id = null;
            if (call.TryGetProperty("id", out var idElement))
            {
                if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
                {
                    return ApiErrors.InvalidRequest("\"id\" must be a string, a number or null.");
                }

                id = idElement.Clone();
            }

            var parameters = call.TryGetProperty("params", out var p) ? p : default;
            if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null))
            {
                return ApiErrors.InvalidRequest("\"params\" must be an array or an object.");
            }

            string method;
            try
            {
                method = methodElement.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return ApiErrors.InvalidRequest("\"method\" is not valid UTF-8 or UTF-16 text.");
            }

            if (Array.IndexOf(Methods, method) < 0)
            {
                return ApiErrors.MethodNotFound(method);
            }

            try
            {
                return Results.Json(new RpcResponse("2.0", await CallAsync(method, parameters, chain, time, lifetime.ApplicationStopping, aborted), id));
            }
            catch (InvalidParamsException ex)
            {
                return ApiErrors.InvalidParams(ex.Message);
            }
        }
    }

    private static async Task<object?> CallAsync(string method, JsonElement parameters, Chain chain, TimeProvider time, CancellationToken stopping, CancellationToken aborted) => method switch
    {
        "getblockcount" => chain.Tip.Height,
        "getbestblockhash" => chain.Tip.Hash,
        "getblockhash" => (chain.Find(Integer(parameters, 0, "height")) ?? throw new InvalidParamsException("Block height out of range")).Hash,
        "getblockchaininfo" => ChainInfo(chain.Tip),
        "getdifficulty" => 126_411_437_451_912.23,
        "getconnectioncount" => 10,
        "generatetoaddress" => chain.Mine(Count(parameters)).Select(static b => b.Hash).ToArray(),
        "generateblock" => new { hash = chain.Mine(1)[0].Hash },
        "waitfornewblock" => await WaitAsync(parameters, chain, time, stopping, aborted),
        "help" => string.Join('\n', Methods),
        "eth_blockNumber" => "0x" + chain.Tip.Height.ToString("x", CultureInfo.InvariantCulture),
        "eth_chainId" => "0x1",
        "eth_call" => "0x0000000000000000000000000000000000000000000000000de0b6b3a7640000",
        _ => throw new InvalidOperationException($"'{method}' is listed but not implemented."),
    };

    private static object ChainInfo(Block tip) => new { chain = "main", blocks = tip.Height, headers = tip.Height, bestblockhash = tip.Hash };

    /// <summary>
    /// waitfornewblock [timeout in ms, 0 = none]: the new block, or the tip when the timeout passes or the node stops
    /// first (a long poll must not hold the host's shutdown).
    /// </summary>
    private static async Task<object> WaitAsync(JsonElement parameters, Chain chain, TimeProvider time, CancellationToken stopping, CancellationToken aborted)
    {
        var timeout = Length(parameters) > 0 ? Integer(parameters, 0, "timeout") : 0;
        if (timeout < 0)
        {
            throw new InvalidParamsException("timeout must be zero (none) or a number of milliseconds");
        }

        var block = await chain.WaitForNewBlockAsync(timeout == 0 ? null : TimeSpan.FromMilliseconds(timeout), time, stopping, aborted);
        return new { hash = block.Hash, height = block.Height };
    }

    /// <summary>The first JSON-RPC member given twice, compared unescaped (<c>"m\u0065thod"</c> is <c>"method"</c>).</summary>
    private static string? Duplicate(JsonElement call)
    {
        Span<int> seen = stackalloc int[Members.Length];
        foreach (var property in call.EnumerateObject())
        {
            for (var i = 0; i < Members.Length; i++)
            {
                if (property.NameEquals(Members[i]) && ++seen[i] > 1)
                {
                    return Members[i];
                }
            }
        }

        return null;
    }

    private static int Count(JsonElement parameters)
    {
        var count = Integer(parameters, 0, "nblocks");
        return count is >= 1 and <= 100 ? (int)count : throw new InvalidParamsException("nblocks must be between 1 and 100");
    }

    private static int Length(JsonElement parameters) => parameters.ValueKind == JsonValueKind.Array ? parameters.GetArrayLength() : 0;

    private static long Integer(JsonElement parameters, int index, string name) =>
        parameters.ValueKind == JsonValueKind.Array && index < parameters.GetArrayLength()
        && parameters[index].ValueKind == JsonValueKind.Number && parameters[index].TryGetInt64(out var value)
            ? value
            : throw new InvalidParamsException($"{name} (params[{index}]) must be an integer");
}
