using System.Buffers;
using System.Net;
using System.Text;
using ErrorCatalog;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Costs from the JSON-RPC method in the body, read without taking the body from the endpoint; what is charged is
/// what runs: a body whose cost cannot be read as System.Text.Json would run it is refused and costs nothing.
/// </summary>
public sealed class JsonRpcCreditsTests
{
    private static string Config(string key, long permit = 100_000, string extra = "") => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "UnitsLimit",
            "JsonRpc": { {{extra}} "DefaultCost": 7, "Methods": { "eth_call": 20, "eth_blockNumber": 5 } },
            "Plans": { "node": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": {{permit}}, "Window": "day" } } } },
            "ApiKeys": [ { "Id": "node-key", "Hash": "{{Hash(key)}}", "Plan": "node" } ]
          }
        }
        """;

    public static TheoryData<string, string, long> Bodies => new()
    {
        { "/rpc", """{"jsonrpc":"2.0","method":"eth_call","id":1}""", 20 },
        { "/rpc", """{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1}""", 5 },
        { "/rpc", """{"jsonrpc":"2.0","method":"eth_unknownMethod","id":1}""", 7 },
        { "/rpc", """{"method":"eth_call","params":{"method":"eth_blockNumber","method":"x"},"id":1,"extra":1,"extra":2}""", 20 },
        { "/rpc", """{"jsonrpc":"2.0","method":"eth_call","id":1}""" + "\n\n", 20 },
        { "/rpc", """[{"jsonrpc":"2.0","method":"eth_call","id":1},{"jsonrpc":"2.0","method":"eth_blockNumber","id":2},{"jsonrpc":"2.0","method":"nope","id":3}]""", 32 },
        { "/rpc-pipe", """{"jsonrpc":"2.0","method":"eth_call","id":1}""", 20 },
        { "/rpc-pipe", """[{"jsonrpc":"2.0","method":"eth_call","id":1},{"jsonrpc":"2.0","method":"eth_call","id":2}]""", 40 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Method_CostsItsCredits_AndTheEndpointReadsTheWholeBody(string path, string json, long cost)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var response = await api.PostJsonAsync(path, key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(json, await response.Content.ReadAsStringAsync());
        Assert.Equal(cost.ToString(), Header(response, "X-UnitsLimit-Used"));
        if (path == "/rpc")
        {
            Assert.Equal(cost.ToString(), Header(response, "X-Test-Charged"));
        }
    }

    [Theory]
    [InlineData("/rpc")]
    [InlineData("/rpc-pipe")]
    public async Task LargeBody_MethodAfterBigParams_IsCosted_AndEchoedWhole(string path)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        var json = $$"""{"jsonrpc":"2.0","params":["{{new string('x', 300_000)}}"],"method":"eth_call","id":1}""";

        using var response = await api.PostJsonAsync(path, key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
        Assert.True(json == await response.Content.ReadAsStringAsync(), "the endpoint did not read the body it was sent");
    }

    [Fact]
    public async Task MethodNamedInsideParams_DoesNotCount_OnlyTheRequestsOwnMethod()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        var json = """{"jsonrpc":"2.0","params":{"method":"eth_blockNumber"},"method":"eth_call","id":1}""";

        using var response = await api.PostJsonAsync("/rpc", key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
        Assert.Equal(json, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CallPastTheQuota_IsRefusedWithItsCost_AndACheaperMethodStillFits()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, permit: 30));

        using var first = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_call","id":1}""");
        using var refused = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_call","id":2}""");
        using var cheaper = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_blockNumber","id":3}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "CREDITS_LIMIT_REACHED");
        Assert.Equal(20, body.GetProperty("cost").GetInt64());
        Assert.Equal(10, body.GetProperty("remaining").GetInt64());
        Assert.Equal(30, body.GetProperty("limit").GetInt64());
        Assert.Equal(HttpStatusCode.OK, cheaper.StatusCode);
        Assert.Equal("25", Header(cheaper, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task EscapedMethodName_CostsWhatTheMethodCosts()
    {
        // A JSON-RPC server unescapes "eth\u005fcall" to eth_call: it must not pass for an unknown, cheaper method.
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        var json = """{"jsonrpc":"2.0","method":"eth\u005fcall","id":1}""";

        using var response = await api.PostJsonAsync("/rpc", key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
    }

    [Theory]
    [InlineData(4080)]
    [InlineData(4085)]
    [InlineData(4090)]
    [InlineData(4093)]
    [InlineData(4096)]
    public async Task MethodNameAcrossBufferSegments_CostsWhatTheMethodCosts(int offset)
    {
        // Padding puts the method's value around the 4 KiB segment boundary of the request pipe.
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        static string Body(int padding) => $$"""{"jsonrpc":"2.0","params":["{{new string('x', padding)}}"],"method":"eth_call","id":1}""";
        var json = Body(offset - Body(0).IndexOf("eth_call", StringComparison.Ordinal));
        Assert.Equal(offset, json.IndexOf("eth_call", StringComparison.Ordinal));

        using var response = await api.PostJsonAsync("/rpc", key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
        Assert.Equal(json, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Bodies whose cost cannot be read the way System.Text.Json would run them, and why.</summary>
    public static TheoryData<string, byte[], string> Uncostable => new()
    {
        // The repro: JsonDocument runs the last "method", the reader charged the first.
        { "method twice", Utf8("""{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1,"method":"eth_call"}"""), JsonRpcCostReader.DuplicateMethod },
        { "method twice, expensive first", Utf8("""{"method":"eth_call","method":"eth_blockNumber","id":1}"""), JsonRpcCostReader.DuplicateMethod },
        { "method and Method", Utf8("""{"jsonrpc":"2.0","method":"eth_blockNumber","Method":"eth_call","id":1}"""), JsonRpcCostReader.MemberCase },
        { "PARAMS beside params, escaped", Utf8("""{"jsonrpc":"2.0","method":"eth_call","params":[],"P\u0041RAMS":[],"id":1}"""), JsonRpcCostReader.MemberCase },
        { "method twice, escaped", Utf8("""{"jsonrpc":"2.0","method":"eth_blockNumber","m\u0065thod":"eth_call","id":1}"""), JsonRpcCostReader.DuplicateMethod },
        { "jsonrpc twice", Utf8("""{"jsonrpc":"2.0","method":"eth_call","jsonrpc":"1.0","id":1}"""), JsonRpcCostReader.DuplicateJsonRpc },
        { "params twice", Utf8("""{"jsonrpc":"2.0","method":"eth_call","params":[],"params":{},"id":1}"""), JsonRpcCostReader.DuplicateParams },
        { "id twice", Utf8("""{"jsonrpc":"2.0","method":"eth_call","id":1,"id":2}"""), JsonRpcCostReader.DuplicateId },
        { "batch, one element with method twice", Utf8("""[{"jsonrpc":"2.0","method":"eth_call","id":1},{"jsonrpc":"2.0","method":"eth_blockNumber","id":2,"method":"eth_call"}]"""), JsonRpcCostReader.DuplicateMethod },
        { "no method", Utf8("""{"jsonrpc":"2.0","id":1}"""), JsonRpcCostReader.MethodNotString },
        { "method a number", Utf8("""{"jsonrpc":"2.0","method":20,"id":1}"""), JsonRpcCostReader.MethodNotString },
        { "method null", Utf8("""{"jsonrpc":"2.0","method":null,"id":1}"""), JsonRpcCostReader.MethodNotString },
        { "method an object", Utf8("""{"jsonrpc":"2.0","method":{"name":"eth_call"},"id":1}"""), JsonRpcCostReader.MethodNotString },
        { "batch, one element without method", Utf8("""[{"jsonrpc":"2.0","method":"eth_call","id":1},{"jsonrpc":"2.0","id":2}]"""), JsonRpcCostReader.MethodNotString },
        { "lone surrogate escape", Utf8("""{"jsonrpc":"2.0","method":"eth\ud800call","id":1}"""), JsonRpcCostReader.MethodNotText },
        { "invalid UTF-8", [.. """{"jsonrpc":"2.0","method":"eth"""u8, 0xFF, 0xFE, .. """call","id":1}"""u8], JsonRpcCostReader.MethodNotText },
        { "not JSON", Utf8("not json at all"), JsonRpcCostReader.NotJson },
        { "truncated", Utf8("""{"jsonrpc":"2.0","method":"eth_ca"""), JsonRpcCostReader.NotJson },
        { "a second request after the first", Utf8("""{"method":"eth_blockNumber","id":1}{"method":"eth_call","id":2}"""), JsonRpcCostReader.NotJson },
        { "empty", [], JsonRpcCostReader.NotJson },
        { "a number", Utf8("42"), JsonRpcCostReader.NotARequest },
        { "empty batch", Utf8("[]"), JsonRpcCostReader.EmptyBatch },
        { "batch of a number", Utf8("""[{"method":"eth_call","id":1},42]"""), JsonRpcCostReader.NotARequestInBatch },
        { "batch of a batch", Utf8("""[[{"method":"eth_call","id":1}]]"""), JsonRpcCostReader.NotARequestInBatch },
    };

    [Theory]
    [MemberData(nameof(Uncostable))]
    public async Task UncostableBody_IsRefused400_NeverReachesTheEndpoint_AndCostsNothing(string what, byte[] body, string reason)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rpc") { Content = new ByteArrayContent(body) };
        request.Headers.Add(KeyHeader, key);

        using var refused = await api.Client.SendAsync(request);
        using var next = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_blockNumber","id":2}""");

        var problem = await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.True(problem.GetProperty("detail").GetString() == $"The server could not process the request: {reason}", what);
        Assert.Null(Header(refused, "X-Test-Charged")); // the endpoint did not run
        Assert.Equal("5", Header(next, "X-UnitsLimit-Used")); // only the next call's 5 were charged
    }

    [Theory]
    [MemberData(nameof(Uncostable))]
    public void Reader_RefusesTheBody_HoweverThePipeSplitsIt(string what, byte[] body, string reason)
    {
        var reader = new JsonRpcCostReader(Options(), ApiErrors.Catalog);

        for (var split = 0; split <= body.Length; split++)
        {
            Assert.True(reason == ReadInTwo(reader, body, split).Invalid, $"{what}, split at {split}");
        }
    }

    public static TheoryData<string, long> Costable => new()
    {
        { """{"jsonrpc":"2.0","method":"eth_call","params":[{"to":"0x0"},"latest"],"id":1}""", 20 },
        { """{"id":"a","params":{"method":"eth_call"},"method":"eth_blockNumber","jsonrpc":"2.0"}""", 5 },
        { """{"jsonrpc":"2.0","method":"eth\u005fcall","id":null}""", 20 },
        { """{"jsonrpc":"2.0","method":"\u0065\u0074\u0068\u005f\u0063\u0061\u006c\u006c","id":1}""", 20 },
        { """[{"method":"eth_call","id":1},{"method":"eth_blockNumber","id":2},{"method":"nope","id":3}]""", 32 },
        { """ [ {"method":"eth_call","params":[[],{"a":[{"method":1}]}]} ] """, 20 },
        { "\uFEFF" + """{"jsonrpc":"2.0","method":"eth_call","id":1}""", 20 },
    };

    [Theory]
    [MemberData(nameof(Costable))]
    public void Reader_CostsTheMethods_HoweverThePipeSplitsIt(string json, long cost)
    {
        var reader = new JsonRpcCostReader(Options(), ApiErrors.Catalog);
        var body = Utf8(json);

        for (var split = 0; split <= body.Length; split++)
        {
            Assert.Equal(new JsonRpcCost(cost), ReadInTwo(reader, body, split));
        }
    }

    [Fact]
    public void Reader_AllocatesNothing()
    {
        var reader = new JsonRpcCostReader(Options(), ApiErrors.Catalog);
        var single = new ReadOnlySequence<byte>(Utf8("""{"jsonrpc":"2.0","method":"eth\u005fcall","params":[{"to":"0x0"},"latest"],"id":1}"""));
        var batch = new ReadOnlySequence<byte>(Utf8("""[{"method":"eth_call","id":1},{"method":"eth_blockNumber","id":2}]"""));
        var duplicate = new ReadOnlySequence<byte>(Utf8("""{"method":"eth_blockNumber","method":"eth_call"}"""));
        reader.Cost(single);
        reader.Cost(batch);
        reader.Cost(duplicate);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var costs = reader.Cost(single).Credits + reader.Cost(batch).Credits + reader.Cost(duplicate).Credits;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(45, costs);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task LongEscapedMethodName_CostsWhatTheMethodCosts()
    {
        // Every character escaped: 6 bytes each, far past a fixed name buffer. The server unescapes it to the method.
        var key = NewKey();
        var method = "eth_getTransactionReceiptsByBlockNumberAndIndex";
        await using var api = await StartAsync(Config(key).Replace("\"eth_call\": 20", $"\"eth_call\": 20, \"{method}\": 50", StringComparison.Ordinal));
        var escaped = string.Concat(method.Select(static c => $"\\u{(int)c:x4}"));

        using var response = await api.PostJsonAsync("/rpc", key, $$"""{"jsonrpc":"2.0","method":"{{escaped}}","id":1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("50", Header(response, "X-UnitsLimit-Used"));
    }

    [Theory]
    [InlineData("/rpc")]
    [InlineData("/rpc-pipe")]
    public async Task MethodPastMaxBodyBytes_IsChargedTheMostExpensiveMethod_AndRuns(string path)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"MaxBodyBytes\": 4096,"));
        var json = $$"""{"jsonrpc":"2.0","params":["{{new string('x', 5000)}}"],"method":"eth_blockNumber","id":1}""";

        using var response = await api.PostJsonAsync(path, key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
        Assert.True(json == await response.Content.ReadAsStringAsync(), "the endpoint did not read the body it was sent");
    }

    [Fact]
    public async Task CheapMethodThenAnotherPastMaxBodyBytes_IsChargedTheMostExpensiveMethod()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"MaxBodyBytes\": 4096,"));
        var json = $$"""{"jsonrpc":"2.0","method":"eth_blockNumber","params":["{{new string('x', 5000)}}"],"method":"eth_call","id":1}""";

        using var response = await api.PostJsonAsync("/rpc", key, json);

        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task RequestEndingWithinMaxBodyBytes_ThenWhitespace_CostsItsMethod()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"MaxBodyBytes\": 4096,"));
        var json = """{"jsonrpc":"2.0","method":"eth_blockNumber","id":1}""" + new string(' ', 5000);

        using var response = await api.PostJsonAsync("/rpc", key, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", Header(response, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task BatchPastMaxBodyBytes_IsRefused_AndCostsNothing()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"MaxBodyBytes\": 4096,"));
        var json = "[" + string.Join(",", Enumerable.Repeat("""{"jsonrpc":"2.0","method":"eth_call","id":1}""", 200)) + "]";

        using var refused = await api.PostJsonAsync("/rpc", key, json);
        using var next = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_blockNumber","id":2}""");

        var problem = await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("The server could not process the request: A batch must end within the first 4096 bytes of the body.", problem.GetProperty("detail").GetString());
        Assert.Equal("5", Header(next, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task Batch_WhereBatchesAreOff_IsRefused_AndCostsNothing()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"AllowBatches\": false,"));

        using var refused = await api.PostJsonAsync("/rpc", key, """[{"jsonrpc":"2.0","method":"eth_call","id":1}]""");
        using var single = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_call","id":2}""");

        var problem = await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("The server could not process the request: Batch requests are not supported: send one request object per call.", problem.GetProperty("detail").GetString());
        Assert.Equal("20", Header(single, "X-UnitsLimit-Used"));
    }

    [Fact]
    public async Task NotJson_IsAnsweredWithTheParseErrorCode_WhenOneIsSet()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"ParseError\": \"VALIDATION_ERROR\","));

        using var notJson = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":""");
        using var noMethod = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","id":1}""");

        var problem = await AssertProblemAsync(notJson, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(JsonRpcCostReader.NotJson, problem.GetProperty("detail").GetString());
        await AssertProblemAsync(noMethod, HttpStatusCode.BadRequest, "BAD_REQUEST");
    }

    [Fact]
    public async Task ParseErrorNotInTheCatalog_FailsStartUp_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(Config(NewKey(), extra: "\"ParseError\": \"NO_SUCH_CODE\",")));

        Assert.Contains("ApiErrorCatalog:JsonRpc:ParseError 'NO_SUCH_CODE' is not a code of the error catalog.", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogWithoutInvalidRequest_AnswersABodyThatCannotBeCostedFromTheDefaults()
    {
        // A body that cannot be costed is never charged a guess: the default catalog's entry answers it.
        var key = NewKey();
        await using var api = await StartAsync(Config(key), configure: builder =>
            builder.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = CatalogWithout(Refusal.InvalidRequest)));

        using var noMethod = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","id":1}""");

        await AssertProblemAsync(noMethod, HttpStatusCode.BadRequest, "BAD_REQUEST");
    }

    [Fact]
    public async Task ABodySentSlowly_CountsInTheWindowItEndsIn()
    {
        // The request starts at 23:59:30 and its body ends in the next day: its 20 credits count in that day, beside
        // the next request's 5, not in the day it started in (which would start the next day again from nothing).
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        using var slow = new HttpRequestMessage(HttpMethod.Post, "/rpc")
        {
            Content = new SlowContent("""{"jsonrpc":"2.0","method":"eth_call","id":1}""", () => api.Time.Advance(TimeSpan.FromSeconds(40))),
        };
        slow.Headers.Add(KeyHeader, key);

        using var first = await api.Client.SendAsync(slow);
        using var second = await api.PostJsonAsync("/rpc", key, """{"jsonrpc":"2.0","method":"eth_blockNumber","id":2}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("20", Header(first, "X-UnitsLimit-Used"));
        Assert.Equal("25", Header(second, "X-UnitsLimit-Used"));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonRpcOptions Options() => new()
    {
        DefaultCost = 7,
        Methods = new(StringComparer.Ordinal) { ["eth_call"] = 20, ["eth_blockNumber"] = 5 },
    };

    /// <summary>The body as the pipe may give it: the first <paramref name="split"/> bytes, then all of it in two segments.</summary>
    private static JsonRpcCost ReadInTwo(JsonRpcCostReader reader, byte[] body, int split)
    {
        var scan = default(JsonRpcCostReader.Scan);
        if (reader.Read(ref scan, new ReadOnlySequence<byte>(body, 0, split), complete: false) is { } early)
        {
            return early;
        }

        var first = new Segment(body.AsMemory(0, split));
        var last = first.Append(body.AsMemory(split));
        return reader.Read(ref scan, new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), complete: true)!.Value;
    }

    /// <summary>A catalog answering only what the test configuration needs, and not <paramref name="missing"/>.</summary>
    private static ApiErrorCatalog CatalogWithout(Refusal missing)
    {
        ErrorDescriptor Entry(string code, int status, Refusal refusal) =>
            new(code, null, status, code, [], null, $"https://example.test/{code}", refusal == missing ? Refusal.None : refusal, [], [], null);
        return new ApiErrorCatalog(null, [],
        [
            Entry("KEY_INVALID", 401, Refusal.KeyInvalid), Entry("NOT_ALLOWED", 403, Refusal.PlanNotAuthorized),
            Entry("CREDITS", 429, Refusal.CreditsLimit), Entry("INTERNAL_SERVER_ERROR", 500, Refusal.None),
            Entry("INVALID", 400, Refusal.InvalidRequest),
        ]);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }

    /// <summary>A body sent in two parts, the clock moved between them while the server waits for the second.</summary>
    private sealed class SlowContent(string json, Action between) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            await Task.Delay(100); // the server is now waiting for the rest
            between();
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
