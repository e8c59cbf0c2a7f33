using System.Net;
using ErrorCatalog.Middleware;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>
/// What is charged is what runs: a call whose method the middleware cannot read the way the node's JsonDocument runs
/// it is refused with -32600 Invalid Request before it is charged, and one it cannot read whole is charged the most
/// expensive method (eth_call, 20), never the cheapest.
/// </summary>
public sealed class UncostableCallTests
{
    /// <summary>Two methods: JsonDocument runs the last "method" (eth_call, 20), the middleware charged the first (10).</summary>
    private const string TwoMethods = """{"jsonrpc":"2.0","method":"getblockcount","params":[],"id":1,"method":"eth_call"}""";

    [Fact]
    public async Task TwoMethods_IsRefusedAsInvalidRequest_AndCostsNothing()
    {
        await using var node = new NodeFactory();

        using var refused = await node.PostAsync(OverageKey, TwoMethods);
        using var next = await node.RpcAsync(OverageKey, "getblockcount");

        var data = await AssertErrorAsync(refused, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal("\"method\" appears more than once.", data.GetProperty("detail").GetString());
        await AssertResultAsync(next);
        Assert.Equal(("enabled", "1000", "10", "990"), Units(next));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"eth_call","params":[],"id":1,"method":"getblockcount"}""", "method")]
    [InlineData("""{"jsonrpc":"2.0","method":"getblockcount","m\u0065thod":"eth_call","id":1}""", "method")]
    [InlineData("""{"jsonrpc":"2.0","method":"eth_call","params":[],"params":[5],"id":1}""", "params")]
    [InlineData("""{"jsonrpc":"2.0","method":"eth_call","id":1,"id":2}""", "id")]
    [InlineData("""{"jsonrpc":"2.0","jsonrpc":"1.0","method":"eth_call","id":1}""", "jsonrpc")]
    public async Task AMemberTwice_IsRefusedAsInvalidRequest_AndCostsNothing(string body, string member)
    {
        await using var node = new NodeFactory();

        using var refused = await node.PostAsync(TeamKeyOne, body);
        using var next = await node.RpcAsync(TeamKeyOne, "getblockcount");

        var data = await AssertErrorAsync(refused, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal($"\"{member}\" appears more than once.", data.GetProperty("detail").GetString());
        Assert.Equal(("disabled", "500", "10", "490"), Units(next));
    }

    [Fact]
    public async Task KeyWithoutACreditLimit_TheNodeRefusesTwoMethodsAlike()
    {
        // No credit limit: the middleware does not read the body, and the node itself gives the same answer.
        const string key = "coin_uncounted_demo_0005";
        await using var node = new NodeFactory(settings: new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:uncounted:Limits:concurrency:Kind"] = "Concurrency",
            ["ApiErrorCatalog:Plans:uncounted:Limits:concurrency:PermitLimit"] = "2",
            ["ApiErrorCatalog:ApiKeys:4:Id"] = "uncounted",
            ["ApiErrorCatalog:ApiKeys:4:Hash"] = ApiKeyHash.Compute(key).ToString(),
            ["ApiErrorCatalog:ApiKeys:4:Plan"] = "uncounted",
        });

        using var refused = await node.PostAsync(key, TwoMethods);
        using var escaped = await node.PostAsync(key, """{"jsonrpc":"2.0","method":"getblockcount","m\u0065thod":"eth_call","id":1}""");

        using var surrogate = await node.PostAsync(key, """{"jsonrpc":"2.0","method":"eth\ud800call","id":1}""");

        foreach (var response in new[] { refused, escaped })
        {
            var data = await AssertErrorAsync(response, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
            Assert.Equal("\"method\" appears more than once.", data.GetProperty("detail").GetString());
        }

        var text = await AssertErrorAsync(surrogate, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal("\"method\" is not valid UTF-8 or UTF-16 text.", text.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task MethodAfterMaxBodyBytes_IsChargedTheMostExpensiveMethod_AndRuns()
    {
        // JsonRpc:MaxBodyBytes is 1 MiB: the middleware cannot see a method after 1.1 MB of params, and a call it cannot
        // see could be any method.
        await using var node = new NodeFactory();
        var body = $$"""{"jsonrpc":"2.0","params":["{{new string('x', 1_100_000)}}"],"method":"getblockcount","id":1}""";

        using var response = await node.PostAsync(OverageKey, body);

        Assert.Equal(870_000, (await AssertResultAsync(response)).GetInt64());
        Assert.Equal(("enabled", "1000", "20", "980"), Units(response));
    }

    [Fact]
    public async Task EscapedMethodName_IsChargedItsMethodsCost()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, """{"jsonrpc":"2.0","method":"eth\u005fcall","params":[],"id":1}""");

        await AssertResultAsync(response);
        Assert.Equal(("disabled", "500", "20", "480"), Units(response));
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","method":"getblockcount","id":1},{"jsonrpc":"2.0","method":"getblockcount","id":2,"method":"eth_call"}]""")]
    [InlineData("""[{"jsonrpc":"2.0","method":"eth_call","id":1}]""")]
    public async Task Batch_IsRefusedBeforeItIsCharged(string body)
    {
        // The node answers no batches (JsonRpc:AllowBatches is false): refused by the middleware, as the node would.
        await using var node = new NodeFactory();

        using var refused = await node.PostAsync(TeamKeyOne, body);
        using var next = await node.RpcAsync(TeamKeyOne, "getblockcount");

        var data = await AssertErrorAsync(refused, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal("Batch requests are not supported: send one request object per call.", data.GetProperty("detail").GetString());
        Assert.Equal(("disabled", "500", "10", "490"), Units(next));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":20,"id":1}""", "\"method\" must be a string.")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", "\"method\" must be a string.")]
    [InlineData("""{"jsonrpc":"2.0","method":"eth\ud800call","id":1}""", "\"method\" is not valid UTF-8 or UTF-16 text.")]
    public async Task MethodThatCannotBeRead_IsRefusedAsInvalidRequest_AndCostsNothing(string body, string reason)
    {
        await using var node = new NodeFactory();

        using var refused = await node.PostAsync(TeamKeyOne, body);
        using var next = await node.RpcAsync(TeamKeyOne, "getblockcount");

        var data = await AssertErrorAsync(refused, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal(reason, data.GetProperty("detail").GetString());
        Assert.Equal(("disabled", "500", "10", "490"), Units(next));
    }
}
