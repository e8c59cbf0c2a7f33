using System.Net;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>
/// What routing answers by itself (another path, a GET to the node) is a JSON-RPC error like every other answer of
/// the node: -32600 INVALID_REQUEST with the real HTTP status, never an empty body or a problem+json.
/// </summary>
public sealed class FrameworkStatusTests
{
    [Fact]
    public async Task GetToTheNode_Returns405_AsAJsonRpcInvalidRequest()
    {
        await using var node = new NodeFactory();
        using var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("X-CoinAPI-Key", TeamKeyOne);

        using var response = await client.GetAsync("/");

        var data = await AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal("Method Not Allowed", data.GetProperty("detail").GetString());
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task PostToAnotherPath_Returns404_AsAJsonRpcInvalidRequest_AndCostsNothing()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(TeamKeyOne, Call("getblockcount"), path: "/v1/rpc");

        var data = await AssertErrorAsync(response, HttpStatusCode.NotFound, -32600, "Invalid Request", "INVALID_REQUEST");
        Assert.Equal("Not Found", data.GetProperty("detail").GetString());
        using var call = await node.RpcAsync(TeamKeyOne, "getblockcount");
        Assert.Equal("10", Units(call).Used); // the 404 cost nothing
    }
}
