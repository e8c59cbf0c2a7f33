using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The credit cost of a JSON-RPC body (<c>{"method":"eth_call"}</c>, or a batch array: the sum), read from the
/// request pipe without consuming it, so the endpoint reads the same bytes and nothing is copied for it.
/// </summary>
/// <remarks>
/// What is charged is what runs: a body an endpoint could run differently from how it was costed (the reasons below)
/// is refused with <see cref="Refusal.InvalidRequest"/> and no credits, and a single request not decided within
/// <see cref="JsonRpcOptions.MaxBodyBytes"/> is charged the most expensive method, since a later <c>"method"</c> could name any.
/// </remarks>
internal sealed class JsonRpcCostReader
{
    /// <summary>Reasons, as the refusal's <c>{reason}</c>.</summary>
    internal const string NotJson = "The body is not valid JSON.";
    internal const string NotARequest = "The body must be a JSON-RPC request object or a batch (array) of them.";
    internal const string NotARequestInBatch = "Each element of a batch must be a JSON-RPC request object.";
    internal const string EmptyBatch = "A batch must hold at least one request.";
    internal const string BatchesNotSupported = "Batch requests are not supported: send one request object per call.";
    internal const string MethodNotString = "\"method\" must be a string.";
    internal const string MethodNotText = "\"method\" is not valid UTF-8 or UTF-16 text.";
    internal const string DuplicateJsonRpc = "\"jsonrpc\" appears more than once.";
    internal const string DuplicateMethod = "\"method\" appears more than once.";
    internal const string DuplicateParams = "\"params\" appears more than once.";
    internal const string DuplicateId = "\"id\" appears more than once.";
    internal const string MemberCase = "A member differs from \"jsonrpc\", \"method\", \"params\" or \"id\" only in case; JSON-RPC names are lowercase.";

    // Method names up to this long are unescaped on the stack, longer ones in a pooled array.
    private const int StackChars = 256;

    private readonly FrozenDictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _costs;
    private readonly long _defaultCost;
    private readonly long _maxCost;
    private readonly int _maxBodyBytes;
    private readonly bool _allowBatches;
    private readonly long _longestEscapedName;
    private readonly string _batchTooLong;
    private readonly ErrorDescriptor? _parseError;

    public JsonRpcCostReader(JsonRpcOptions options, ApiErrorCatalog catalog)
    {
        // A code the catalog lacks was reported at start-up, with the section's path (SettingChecks).
        _parseError = options.ParseError is { } code ? catalog.Find(code) : null;
        _costs = options.Methods.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _defaultCost = options.DefaultCost;
        _maxCost = options.DefaultCost;
        var longest = 0;
        foreach (var (method, cost) in options.Methods)
        {
            _maxCost = Math.Max(_maxCost, cost);
            longest = Math.Max(longest, method.Length);
        }

        // A UTF-16 char is at most 6 bytes in JSON (\uXXXX): a longer value names no configured method.
        _longestEscapedName = 6L * longest;
        _maxBodyBytes = options.MaxBodyBytes;
        _allowBatches = options.AllowBatches;
        _batchTooLong = string.Create(CultureInfo.InvariantCulture, $"A batch must end within the first {options.MaxBodyBytes} bytes of the body.");
    }

    // UTF-8 byte order mark: JsonDocument.ParseAsync skips it, so the reader does too.
    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    public async ValueTask<JsonRpcCost> ReadCostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        if (request.HttpContext.Features.Get<IRequestBodyPipeFeature>() is RequestBodyPipeFeature)
        {
            // The server has no request pipe of its own (TestServer, HTTP.sys): BodyReader wraps Body and keeps the
            // bytes it reads, so the endpoint's Body must read through the pipe too, or it would miss them.
            request.Body = reader.AsStream(leaveOpen: true);
        }

        var scan = default(Scan);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (Read(ref scan, buffer, result.IsCompleted) is { } cost)
            {
                // Consume nothing: the endpoint reads the body from its start.
                reader.AdvanceTo(buffer.Start);
                return cost;
            }

            // Examined everything, need more.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The cost of a whole body.</summary>
    internal JsonRpcCost Cost(ReadOnlySequence<byte> body)
    {
        var scan = default(Scan);
        return Read(ref scan, body, complete: true)!.Value;
    }

    /// <summary>
    /// Reads on from where <paramref name="scan"/> stopped in <paramref name="body"/> (the body from its start, as the
    /// pipe has it so far): the cost once known, or null to wait for more. Tokens are read once however the body
    /// arrives.
    /// </summary>
    internal JsonRpcCost? Read(ref Scan scan, ReadOnlySequence<byte> body, bool complete)
    {
        var limited = body.Length > _maxBodyBytes;
        if (limited)
        {
            body = body.Slice(0, _maxBodyBytes);
        }

        var final = complete && !limited;
        if (!scan.Started && (body.Length >= Bom.Length || final || limited))
        {
            scan.Started = true;
            if (StartsWithBom(body))
            {
                scan.Consumed = Bom.Length;
            }
        }

        if (scan.Started && Continue(ref scan, body.Slice(scan.Consumed), final) is { } cost)
        {
            return cost;
        }

        if (!limited)
        {
            return null;
        }

        // The first MaxBodyBytes did not decide: what is left after a finished request is at most whitespace (the
        // endpoint fails on anything else); a batch's calls cannot be counted; a single call may name any method.
        return scan.RootDone ? new(scan.Total) : scan.Batch ? new(0, _batchTooLong) : new(_maxCost);
    }

    private JsonRpcCost? Continue(ref Scan scan, ReadOnlySequence<byte> data, bool final)
    {
        var json = new Utf8JsonReader(data, final, scan.Json);
        try
        {
            while (json.Read())
            {
                if (Step(ref scan, ref json) is { } invalid)
                {
                    return new(0, invalid);
                }
            }
        }
        catch (JsonException)
        {
            // Malformed, truncated, trailing data, too deep: JsonDocument fails on the same bytes.
            return new(0, NotJson, _parseError);
        }

        if (final)
        {
            return new(scan.Total);
        }

        scan.Json = json.CurrentState;
        scan.Consumed += json.BytesConsumed;
        return null;
    }

    /// <summary>One token: null to go on, or the reason the body is refused.</summary>
    private string? Step(ref Scan scan, ref Utf8JsonReader json)
    {
        if (scan.PendingMethod)
        {
            scan.PendingMethod = false;
            if (json.TokenType != JsonTokenType.String)
            {
                return MethodNotString;
            }

            var cost = CostOf(ref json);
            if (cost < 0)
            {
                return MethodNotText;
            }

            scan.Total = scan.Total > long.MaxValue - cost ? long.MaxValue : scan.Total + cost;
            return null;
        }

        // A single request's members are at depth 1, a batch's requests' at depth 2.
        var depth = json.CurrentDepth;
        var callDepth = scan.Batch ? 1 : 0;
        switch (json.TokenType)
        {
            case JsonTokenType.StartArray when depth == 0:
                scan.Batch = true;
                return _allowBatches ? null : BatchesNotSupported;
            case JsonTokenType.StartObject when depth == callDepth:
                scan.Seen = Members.None;
                return null;
            case JsonTokenType.PropertyName when depth == callDepth + 1:
                return Member(ref scan, ref json);
            case JsonTokenType.EndObject when depth == callDepth:
                if ((scan.Seen & Members.Method) == 0)
                {
                    return MethodNotString;
                }

                scan.Calls++;
                scan.RootDone = depth == 0;
                return null;
            case JsonTokenType.EndArray when depth == 0:
                scan.RootDone = true;
                return scan.Calls == 0 ? EmptyBatch : null;
            default:
                // A root that is neither object nor array; a batch element that is not an object.
                return depth == 0 ? NotARequest : scan.Batch && depth == 1 ? NotARequestInBatch : null;
        }
    }

    private static string? Member(ref Scan scan, ref Utf8JsonReader json)
    {
        // ValueTextEquals compares unescaped: "m\u0065thod" is "method" to JsonDocument too.
        Members member;
        string duplicate;
        if (json.ValueTextEquals("method"u8))
        {
            (member, duplicate) = (Members.Method, DuplicateMethod);
        }
        else if (json.ValueTextEquals("params"u8))
        {
            (member, duplicate) = (Members.Params, DuplicateParams);
        }
        else if (json.ValueTextEquals("id"u8))
        {
            (member, duplicate) = (Members.Id, DuplicateId);
        }
        else if (json.ValueTextEquals("jsonrpc"u8))
        {
            (member, duplicate) = (Members.JsonRpc, DuplicateJsonRpc);
        }
        else
        {
            // A binder that matches names ignoring case ([FromBody] with the web defaults) would run "Method" or read it
            // as a second "method": refused, so what is charged never depends on how the endpoint binds.
            return DiffersOnlyInCase(ref json) ? MemberCase : null;
        }

        if ((scan.Seen & member) != 0)
        {
            return duplicate;
        }

        scan.Seen |= member;
        scan.PendingMethod = member == Members.Method;
        return null;
    }

    private static bool DiffersOnlyInCase(ref Utf8JsonReader json)
    {
        // The longest name is 7 characters; an escaped one is at most 6 bytes a character.
        if (RawLength(ref json) > 42)
        {
            return false;
        }

        Span<char> name = stackalloc char[42];
        if (!TryUnescape(ref json, name, out var length))
        {
            return false;
        }

        var text = name[..length];
        return text.Equals("method", StringComparison.OrdinalIgnoreCase) || text.Equals("params", StringComparison.OrdinalIgnoreCase)
            || text.Equals("id", StringComparison.OrdinalIgnoreCase) || text.Equals("jsonrpc", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The method's cost, or -1 when its text is invalid (the endpoint cannot read it as a string either).</summary>
    private long CostOf(ref Utf8JsonReader json)
    {
        var raw = RawLength(ref json);
        if (raw > _longestEscapedName)
        {
            return _defaultCost;
        }

        // Unescaped: "eth\u005fcall" is eth_call to the server.
        char[]? rented = null;
        var name = raw <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent((int)raw));
        try
        {
            if (!TryUnescape(ref json, name, out var length))
            {
                return -1;
            }

            return _costs.TryGetValue(name[..length], out var cost) ? cost : _defaultCost;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The value's length as written, escapes included: it bounds the unescaped length.</summary>
    private static long RawLength(ref Utf8JsonReader json) => json.HasValueSequence ? json.ValueSequence.Length : json.ValueSpan.Length;

    /// <summary>
    /// The value unescaped into <paramref name="into"/> (joined, when split across segments); false when it is not
    /// valid text (invalid UTF-8, a lone surrogate), which the endpoint cannot read as a string either.
    /// </summary>
    private static bool TryUnescape(ref Utf8JsonReader json, scoped Span<char> into, out int length)
    {
        try
        {
            length = json.CopyString(into);
            return true;
        }
        catch (InvalidOperationException)
        {
            length = 0;
            return false;
        }
    }

    private static bool StartsWithBom(ReadOnlySequence<byte> body)
    {
        if (body.Length < Bom.Length)
        {
            return false;
        }

        Span<byte> first = stackalloc byte[3];
        body.Slice(0, Bom.Length).CopyTo(first);
        return first.SequenceEqual(Bom);
    }

    /// <summary>Where the reading of one body stands between reads of the pipe.</summary>
    internal struct Scan
    {
        public JsonReaderState Json;
        public long Consumed;
        public long Total;
        public int Calls;
        public Members Seen;
        public bool Started;
        public bool Batch;
        public bool PendingMethod;
        public bool RootDone;
    }

    /// <summary>The JSON-RPC members of the request being read.</summary>
    [Flags]
    internal enum Members : byte
    {
        None = 0,
        JsonRpc = 1,
        Method = 2,
        Params = 4,
        Id = 8,
    }
}
