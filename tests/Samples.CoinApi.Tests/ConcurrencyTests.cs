using System.Net;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>
/// "Each API call/request increases the Concurrency limit against your quota, and it decreases when the call/request
/// finishes": two in flight per key. waitfornewblock holds a request until a block is mined, which the test does.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ThirdRequestInFlight_Returns429ConcurrencyLimitExceeded_UntilOneFinishes()
    {
        await using var node = new NodeFactory();
        using var client = node.CreateClient();

        var first = node.RpcAsync(TeamKeyOne, "waitfornewblock", client: client);
        var second = node.RpcAsync(TeamKeyOne, "waitfornewblock", client: client);
        await node.WaitForWaitersAsync(2);
        using var third = await node.RpcAsync(TeamKeyOne, "getblockcount");

        var data = await AssertErrorAsync(third, HttpStatusCode.TooManyRequests, -32004, "Too many concurrent requests", "CONCURRENCY_LIMIT_EXCEEDED");
        Assert.Equal("This API key already has 2 requests in flight; retry when one of them finishes.", data.GetProperty("detail").GetString());
        Assert.Equal(2, data.GetProperty("limit").GetInt64());
        Assert.Equal("1", Header(third, "Retry-After"));

        // The limit is per key: the sibling goes on, and mines the block the first two wait for.
        using var mined = await node.RpcAsync(TeamKeyTwo, "generatetoaddress", new object[] { 1, "bc1qdemo" });
        await AssertResultAsync(mined);
        using var firstDone = await first;
        using var secondDone = await second;
        foreach (var done in new[] { firstDone, secondDone })
        {
            var block = await AssertResultAsync(done);
            Assert.Equal(870_001, block.GetProperty("height").GetInt64());
            Assert.Equal(node.Chain.Tip.Hash, block.GetProperty("hash").GetString());
        }

        // Both finished: the key has its two slots again.
        using var after = await node.RpcAsync(TeamKeyOne, "getblockcount");
        Assert.Equal(870_001, (await AssertResultAsync(after)).GetInt64());
    }

    [Fact]
    public async Task ConcurrencyRefusal_IsNotCharged()
    {
        await using var node = new NodeFactory();
        using var client = node.CreateClient();

        var first = node.RpcAsync(TeamKeyOne, "waitfornewblock", client: client);
        var second = node.RpcAsync(TeamKeyOne, "waitfornewblock", client: client);
        await node.WaitForWaitersAsync(2);
        using var refused = await node.RpcAsync(TeamKeyOne, "eth_call");
        node.Chain.Mine(1);
        (await first).Dispose();
        (await second).Dispose();
        using var next = await node.RpcAsync(TeamKeyOne, "getblockcount");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // Two waits (10 each) and this call (10): the refused eth_call's 20 were not taken.
        Assert.Equal(("disabled", "500", "30", "470"), Units(next));
    }

    [Fact]
    public async Task WaitForNewBlock_WithATimeout_ReturnsTheTipWhenTheFakeClockPassesIt()
    {
        await using var node = new NodeFactory();

        var waiting = node.RpcAsync(TeamKeyOne, "waitfornewblock", new object[] { 5000 });
        await node.WaitForWaitersAsync(1);
        node.Time.Advance(TimeSpan.FromSeconds(5));
        using var response = await waiting;

        var block = await AssertResultAsync(response);
        Assert.Equal(870_000, block.GetProperty("height").GetInt64());
    }
}
