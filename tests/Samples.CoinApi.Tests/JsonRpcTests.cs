using System.Net;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>The node's JSON-RPC answers: results with the request's id, JSON-RPC 2.0 errors from the catalog.</summary>
public sealed class JsonRpcTests
{
    [Fact]
    public async Task Result_EchoesANumericId()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, Call("getbestblockhash", id: 42));

        var result = await AssertResultAsync(response, 42);
        Assert.Equal(node.Chain.Tip.Hash, result.GetString());
    }

    [Fact]
    public async Task Result_EchoesAStringId()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, Call("eth_blockNumber", id: "req-7"));

        Assert.Equal("0xd4670", (await AssertResultAsync(response, "req-7")).GetString());
    }

    [Fact]
    public async Task EthCall_AnswersItsResult()
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(TeamKeyOne, "eth_call", new object[] { new { to = "0x6b175474e89094c44da98b954eedeac495271d0f", data = "0x70a08231" }, "latest" });

        Assert.Equal("0x0000000000000000000000000000000000000000000000000de0b6b3a7640000", (await AssertResultAsync(response)).GetString());
    }

    [Fact]
    public async Task UnknownMethod_Returns404MethodNotFound()
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(TeamKeyOne, "eth_sendBitcoin");

        var data = await AssertErrorAsync(response, HttpStatusCode.NotFound, -32601, "Method not found", "METHOD_NOT_FOUND");
        Assert.Equal("The method 'eth_sendBitcoin' does not exist or is not available.", data.GetProperty("detail").GetString());
        Assert.Equal("eth_sendBitcoin", data.GetProperty("method").GetString());
    }

    [Fact]
    public async Task MalformedJson_Returns400ParseError()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, "{\"jsonrpc\":\"2.0\",");

        var data = await AssertErrorAsync(response, HttpStatusCode.BadRequest, -32700, "Parse error", "PARSE_ERROR");
        Assert.Equal("The request body is not valid JSON.", data.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"1.0","method":"getblockcount","id":1}""", "\"jsonrpc\" must be \"2.0\".")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", "\"method\" must be a string.")]
    [InlineData("""{"jsonrpc":"2.0","method":"getblockcount","id":{}}""", "\"id\" must be a string, a number or null.")]
    [InlineData("""[{"jsonrpc":"2.0","method":"getblockcount","id":1}]""", "Batch requests are not supported: send one request object per call.")]
    [InlineData("42", "The body must be a JSON-RPC request object or a batch (array) of them.")]
    public async Task NotARequestObject_Returns400InvalidRequest(string body, string reason)
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, body);

        var data = await AssertErrorAsync(response, HttpStatusCode.BadRequest, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal(reason, data.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WrongParams_Returns400InvalidParams()
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(TeamKeyOne, "getblockhash", new object[] { "tip" });

        var data = await AssertErrorAsync(response, HttpStatusCode.BadRequest, -32602, "Invalid params", "INVALID_PARAMS");
        Assert.Equal("height (params[0]) must be an integer", data.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Mining_MovesTheTip()
    {
        await using var node = new NodeFactory();

        using var mined = await node.RpcAsync(TeamKeyOne, "generatetoaddress", new object[] { 2, "bc1qdemo" });
        using var count = await node.RpcAsync(TeamKeyOne, "getblockcount");

        Assert.Equal(2, (await AssertResultAsync(mined)).GetArrayLength());
        Assert.Equal(870_002, (await AssertResultAsync(count)).GetInt64());
    }
}
