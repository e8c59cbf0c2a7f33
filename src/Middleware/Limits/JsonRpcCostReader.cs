using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The credit cost of a JSON-RPC body (<c>{"method":"eth_call"}</c>, or a batch array: the sum), read from the
/// request pipe without consuming it, so the endpoint reads the same bytes and nothing is copied for it.
/// </summary>
internal sealed class JsonRpcCostReader(JsonRpcOptions options)
{
    private readonly FrozenDictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _costs =
        options.Methods.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public async ValueTask<long> ReadCostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        if (request.HttpContext.Features.Get<IRequestBodyPipeFeature>() is RequestBodyPipeFeature)
        {
            // The server has no request pipe of its own (TestServer, HTTP.sys): BodyReader wraps Body and keeps the
            // bytes it reads, so the endpoint's Body must read through the pipe too, or it would miss them.
            request.Body = reader.AsStream(leaveOpen: true);
        }

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var cost = TryGetCost(buffer, result.IsCompleted);
            if (cost >= 0 || result.IsCompleted || buffer.Length >= options.MaxBodyBytes)
            {
                // Consume nothing: the endpoint reads the body from its start.
                reader.AdvanceTo(buffer.Start);
                return cost >= 0 ? cost : options.DefaultCost;
            }

            // Examined everything, need more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The cost, or -1 when the body is incomplete; a body that is not JSON-RPC costs the default.</summary>
    internal long TryGetCost(ReadOnlySequence<byte> body, bool complete)
    {
        var json = new Utf8JsonReader(body, complete, default);
        long total = 0;
        var found = false;
        var batch = false;
        try
        {
            while (json.Read())
            {
                // Only a batch's requests count at depth 2: in a single request that is a "method" inside params.
                batch |= json.CurrentDepth == 0 && json.TokenType == JsonTokenType.StartArray;
                var topLevelMethod = json.CurrentDepth == 1 && json.TokenType == JsonTokenType.PropertyName && json.ValueTextEquals("method"u8);
                var batchMethod = batch && json.CurrentDepth == 2 && json.TokenType == JsonTokenType.PropertyName && json.ValueTextEquals("method"u8);
                if (!topLevelMethod && !batchMethod)
                {
                    continue;
                }

                if (!json.Read())
                {
                    return -1;
                }

                total += json.TokenType == JsonTokenType.String ? CostOf(ref json) : options.DefaultCost;
                found = true;
                if (topLevelMethod)
                {
                    return total;
                }
            }
        }
        catch (JsonException)
        {
            return options.DefaultCost;
        }

        return complete ? (found ? total : options.DefaultCost) : -1;
    }

    private long CostOf(ref Utf8JsonReader json)
    {
        // CopyString unescapes ("eth\u005fcall" is eth_call to the server) and joins a value split across segments;
        // the raw length bounds the unescaped one. Invalid UTF-8 or a lone surrogate names no method.
        Span<char> name = stackalloc char[128];
        if ((json.HasValueSequence ? json.ValueSequence.Length : json.ValueSpan.Length) > 128)
        {
            return options.DefaultCost;
        }

        int length;
        try
        {
            length = json.CopyString(name);
        }
        catch (InvalidOperationException)
        {
            return options.DefaultCost;
        }

        return _costs.TryGetValue(name[..length], out var cost) ? cost : options.DefaultCost;
    }
}
