using System.Net;
using System.Text;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Costs from the JSON-RPC method in the body, read without taking the body from the endpoint.</summary>
public sealed class JsonRpcCreditsTests
{
    private static string Config(string key, long permit = 100_000) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "UnitsLimit",
            "JsonRpc": { "DefaultCost": 7, "Methods": { "eth_call": 20, "eth_blockNumber": 5 } },
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
        { "/rpc", """{"jsonrpc":"2.0","id":1}""", 7 },
        { "/rpc", """not json at all""", 7 },
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

    public static TheoryData<string, byte[]> UnreadableMethodNames => new()
    {
        { "lone surrogate escape", Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"eth\ud800call","id":1}""") },
        { "invalid UTF-8", [.. """{"jsonrpc":"2.0","method":"eth"""u8, 0xFF, 0xFE, .. """call","id":1}"""u8] },
        { "truncated body", Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"eth_ca""") },
    };

    [Theory]
    [MemberData(nameof(UnreadableMethodNames))]
    public async Task UnreadableMethodName_CostsTheDefault_NeverFails(string what, byte[] body)
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/rpc-pipe") { Content = new ByteArrayContent(body) };
        request.Headers.Add(KeyHeader, key);

        using var response = await api.Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode}");
        Assert.Equal("7", Header(response, "X-UnitsLimit-Used"));
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
