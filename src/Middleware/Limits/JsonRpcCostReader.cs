using System.Buffers;
using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The credit cost of a JSON-RPC body (<c>{"method":"eth_call"}</c>, or a batch array: the sum), read from the
/// request pipe without consuming it, so the endpoint reads the same bytes and nothing is copied for it.
/// </summary>
internal sealed class JsonRpcCostReader(JsonRpcOptions options)
{
    private readonly FrozenDictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _costs =
        options.Methods.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public async ValueTask<long> ReadCostAsync(PipeReader reader, CancellationToken cancellationToken)
    {
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
        try
        {
            while (json.Read())
            {
                var topLevelMethod = json.CurrentDepth == 1 && json.TokenType == JsonTokenType.PropertyName && json.ValueTextEquals("method"u8);
                var batchMethod = json.CurrentDepth == 2 && json.TokenType == JsonTokenType.PropertyName && json.ValueTextEquals("method"u8);
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
        Span<char> name = stackalloc char[128];
        var length = json.HasValueSequence || json.ValueSpan.Length > 128
            ? -1
            : Encoding.UTF8.GetChars(json.ValueSpan, name);
        return length >= 0 && _costs.TryGetValue(name[..length], out var cost) ? cost : options.DefaultCost;
    }
}
