using System.Net;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>The key: X-CoinAPI-Key header or apikey query parameter; refusals as JSON-RPC errors.</summary>
public sealed class KeyTests
{
    [Fact]
    public async Task NoKey_Returns401ApiKeyMissing_AsAJsonRpcError()
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(null, "getblockcount");

        var data = await AssertErrorAsync(response, HttpStatusCode.Unauthorized, -32001, "Unauthorized", "API_KEY_MISSING");
        Assert.Equal(["error", "detail", "header"], Names(data));
        Assert.Equal("No API key: send it in the X-CoinAPI-Key header or the apikey query parameter.", data.GetProperty("detail").GetString());
        Assert.Equal("X-CoinAPI-Key", data.GetProperty("header").GetString());
        Assert.Null(Header(response, "X-UnitsLimit-Used"));
    }

    [Theory]
    [InlineData("coin_not_a_key")]
    [InlineData(RevokedKey)]
    public async Task UnknownOrRevokedKey_Returns401ApiKeyInvalid(string key)
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(key, "getblockcount");

        var data = await AssertErrorAsync(response, HttpStatusCode.Unauthorized, -32002, "Unauthorized", "API_KEY_INVALID");
        Assert.Equal("The API key is invalid, revoked or expired.", data.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task KeyInTheApikeyQueryParameter_IsAccepted()
    {
        await using var node = new NodeFactory();

        using var response = await node.PostAsync(null, Call("getblockcount"), path: "/?apikey=" + TeamKeyTwo);

        Assert.Equal(870_000, (await AssertResultAsync(response)).GetInt64());
        Assert.Equal(("disabled", "500", "10", "490"), Units(response));
    }
}
