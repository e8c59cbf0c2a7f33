using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Samples.CoinApi.Tests.NodeFactory;
using static Samples.CoinApi.Tests.Rpc;

namespace Samples.CoinApi.Tests;

/// <summary>A long poll does not hold the node's shutdown: it answers the current tip when the application stops.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task WaitForNewBlock_AnswersTheTip_WhenTheApplicationStops()
    {
        await using var node = new NodeFactory();
        var waiting = node.RpcAsync(TeamKeyOne, "waitfornewblock");
        await node.WaitForWaitersAsync(1);
        var chain = node.Chain; // the host disposes its services as it stops

        node.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        // Bounded only so that a wait that never ends fails the test instead of hanging it.
        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        var block = await AssertResultAsync(response);
        Assert.Equal(870_000, block.GetProperty("height").GetInt64());
        Assert.Equal(chain.Tip.Hash, block.GetProperty("hash").GetString());
        Assert.Equal(0, chain.Waiting);
    }
}
