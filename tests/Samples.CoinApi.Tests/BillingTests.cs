using CoinApi.Billing;
using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;
using static Samples.CoinApi.Tests.NodeFactory;

namespace Samples.CoinApi.Tests;

/// <summary>The sample's usage meter bills the overage key's credits past its subscription's quota.</summary>
public sealed class BillingTests
{
    [Fact]
    public async Task OverageKeyPastItsQuota_LedgerBillsTheCreditsPastIt_TeamKeysNone()
    {
        // Arrange
        var node = new NodeFactory();
        OverageLedger ledger;
        await using (node)
        {
            ledger = (OverageLedger)node.Services.GetRequiredService<IUsageMeter>();

            // Act: 10 + 49 x 20 = 990 credits, then three eth_call (20 each) past the 1000; a team key within its share.
            await node.SpendAsync(OverageKey, "getblockcount", 1);
            await node.SpendAsync(OverageKey, "eth_call", 52);
            await node.SpendAsync(TeamKeyOne, "eth_call", 2);
        } // stopping the app delivers what is still queued

        // Assert
        Assert.Equal(new OverageLedger.Usage(1050, 50), ledger.For("flex"));
        Assert.Equal(new OverageLedger.Usage(40, 0), ledger.For("team"));
    }
}
