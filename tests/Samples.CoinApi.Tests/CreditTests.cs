using System.Net;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>
/// API credits: each method's cost (eth_call 20, others 10), a 24-hour quota, the X-UnitsLimit-* headers, and one
/// subscription of 1000 credits shared by two keys of 500 each, exactly as the page's two scenarios describe.
/// </summary>
public sealed class CreditTests
{
    [Fact]
    public async Task EveryResponse_CarriesTheUnitsLimitHeaders_AsThePageShowsThem()
    {
        await using var node = new NodeFactory();

        using var response = await node.RpcAsync(TeamKeyOne, "getblockcount");

        await AssertResultAsync(response);
        // X-UnitsLimit-Quota-Overage: disabled / -Quota-Allocated / X-UnitsLimit-Used / -Quota-Remaining
        Assert.Equal(("disabled", "500", "10", "490"), Units(response));
    }

    [Fact]
    public async Task EthCall_Costs20Credits_OtherMethods10()
    {
        await using var node = new NodeFactory();

        using var ethCall = await node.RpcAsync(TeamKeyOne, "eth_call", new object[] { new { to = "0x0" }, "latest" });
        using var blockCount = await node.RpcAsync(TeamKeyOne, "getblockcount");
        using var blockNumber = await node.RpcAsync(TeamKeyOne, "eth_blockNumber");

        Assert.Equal("20", Units(ethCall).Used);
        Assert.Equal("30", Units(blockCount).Used);
        Assert.Equal("40", Units(blockNumber).Used);
        Assert.Equal("460", Units(blockNumber).Remaining);
    }

    [Fact]
    public async Task NodeErrors_AreChargedTheirMethodsCost_WithTheHeaders()
    {
        await using var node = new NodeFactory();

        using var unknown = await node.RpcAsync(TeamKeyOne, "no_such_method");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(("disabled", "500", "10", "490"), Units(unknown));
    }

    /// <summary>
    /// "If one API key within the subscription exceeds its limit of 500, while the other key is still within its
    /// limit, requests made using the exceeded key will be rejected until the limit resets. However, requests made
    /// using the other key ... will continue to be processed without interruption."
    /// </summary>
    [Fact]
    public async Task ScenarioExceeding_AKeyOverItsOwn500IsRefused_WhileItsSiblingGoesOn()
    {
        await using var node = new NodeFactory();

        await node.SpendAsync(TeamKeyOne, "eth_call", 25); // 25 x 20 = 500
        using var refused = await node.RpcAsync(TeamKeyOne, "eth_call");
        using var sibling = await node.RpcAsync(TeamKeyTwo, "getblockcount");

        var data = await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, -32005, "API key credit limit exceeded", "KEY_QUOTA_EXCEEDED");
        Assert.Equal("This call costs 20 credits; this API key has used 500 of its 500 credits in the 24-hour window (0 left).", data.GetProperty("detail").GetString());
        Assert.Equal(21600, data.GetProperty("retryAfter").GetInt64());
        Assert.Equal(500, data.GetProperty("limit").GetInt64());
        Assert.Equal(500, data.GetProperty("used").GetInt64());
        Assert.Equal(20, data.GetProperty("cost").GetInt64());
        Assert.Equal("21600", Header(refused, "Retry-After"));
        Assert.Equal(("disabled", "500", "500", "0"), Units(refused));

        // The headers describe the credit limit with the least left: the subscription's 490 ties the sibling's own.
        await AssertResultAsync(sibling);
        Assert.Equal(("disabled", "1000", "510", "490"), Units(sibling));

        // The sibling has all of its own 500 (the subscription has exactly 500 left): 49 more calls of 10.
        await node.SpendAsync(TeamKeyTwo, "getblockcount", 49);
    }

    /// <summary>
    /// "If both API keys, each with a limit of 500, exhaust their allotted limits, reaching a combined total of 1000,
    /// further requests made using either key will be rejected until the limit resets."
    /// </summary>
    [Fact]
    public async Task ScenarioCustomizing_BothKeysAt500_MakeTheSubscriptions1000_AndEitherKeyIsRefusedUntilTheReset()
    {
        await using var node = new NodeFactory();

        await node.SpendAsync(TeamKeyOne, "eth_call", 25);
        await node.SpendAsync(TeamKeyTwo, "getblockcount", 50);
        using var one = await node.RpcAsync(TeamKeyOne, "getblockcount");
        using var two = await node.RpcAsync(TeamKeyTwo, "getblockcount");

        foreach (var refused in new[] { one, two })
        {
            var data = await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, -32006, "Subscription credit quota exceeded", "SUBSCRIPTION_QUOTA_EXCEEDED");
            Assert.Equal("This call costs 10 credits; the subscription's keys have used 1000 of its 1000 credits in the 24-hour window (0 left).", data.GetProperty("detail").GetString());
            Assert.Equal(1000, data.GetProperty("limit").GetInt64());
            Assert.Equal("21600", Header(refused, "Retry-After"));
        }

        // "... until the limit resets": at midnight UTC both keys go on, with fresh quotas.
        node.Time.Advance(TimeSpan.FromHours(6));
        using var oneAfter = await node.RpcAsync(TeamKeyOne, "getblockcount");
        using var twoAfter = await node.RpcAsync(TeamKeyTwo, "eth_call");
        await AssertResultAsync(oneAfter);
        await AssertResultAsync(twoAfter);
        Assert.Equal(("disabled", "500", "10", "490"), Units(oneAfter));
        Assert.Equal(("disabled", "500", "20", "480"), Units(twoAfter));
    }

    [Fact]
    public async Task Quota_ResetsAfter24HourWindow_NotASecondEarlier()
    {
        await using var node = new NodeFactory();
        await node.SpendAsync(TeamKeyOne, "eth_call", 25);

        node.Time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        using var lastSecond = await node.RpcAsync(TeamKeyOne, "getblockcount");
        node.Time.Advance(TimeSpan.FromSeconds(1));
        using var reset = await node.RpcAsync(TeamKeyOne, "getblockcount");

        await AssertErrorAsync(lastSecond, HttpStatusCode.TooManyRequests, -32005, "API key credit limit exceeded", "KEY_QUOTA_EXCEEDED");
        Assert.Equal("1", Header(lastSecond, "Retry-After"));
        await AssertResultAsync(reset);
        Assert.Equal(("disabled", "500", "10", "490"), Units(reset));
    }

    [Fact]
    public async Task RefusedCalls_AreNotCharged_ToTheKeyOrTheSubscription()
    {
        await using var node = new NodeFactory();
        await node.SpendAsync(TeamKeyOne, "eth_call", 25);

        for (var i = 0; i < 5; i++)
        {
            using var refused = await node.RpcAsync(TeamKeyOne, "eth_call");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        // Had the refusals been charged, the subscription would have less than the sibling's 500 left.
        await node.SpendAsync(TeamKeyTwo, "eth_call", 25);
    }

    [Fact]
    public async Task OverageKey_GoesPastItsQuota_AndSaysSo()
    {
        await using var node = new NodeFactory();

        using var first = await node.RpcAsync(OverageKey, "getblockcount");
        Assert.Equal(("enabled", "1000", "10", "990"), Units(first));
        await node.SpendAsync(OverageKey, "eth_call", 49); // 10 + 49 x 20 = 990
        using var atQuota = await node.RpcAsync(OverageKey, "getblockcount");
        using var past = await node.RpcAsync(OverageKey, "eth_call");

        Assert.Equal(("enabled", "1000", "1000", "0"), Units(atQuota));
        await AssertResultAsync(past);
        var (overage, allocated, used, remaining) = Units(past);
        Assert.Equal("enabled", overage);
        Assert.Equal("1000", allocated);
        Assert.Equal("1020", used);
        Assert.Equal("0", remaining);
    }
}
