using ErrorCatalog.Testing;

namespace Samples.CoinApi.Tests;

/// <summary>
/// The sample's served page (<c>/errors</c>) states every fact of CoinAPI's "API limits and billing metrics" page
/// (../shared/seeds 004) that the sample reproduces: the Node-as-a-Service credits and concurrency limits, a
/// subscription's keys sharing one limit, a key's own limit, overage, the X-UnitsLimit-* headers, the method credits.
/// </summary>
public sealed class DocsPageTests
{
    // "Limits applied to our products", NAAS: the credits limit (24 hours, shared by the subscription's keys) and the
    // concurrency limit (simultaneous calls), each with the code that answers it; overage past the credits.
    private static readonly string[] Limits =
    [
        "concurrency 2 concurrent requests requests in flight at once each key CONCURRENCY_LIMIT_EXCEEDED",
        "credits 1,000 credits day shared by the subscription's keys SUBSCRIPTION_QUOTA_EXCEEDED",
        "overage available: billed instead of refused past the credit quota",
        "A refusal for requests in flight clears as soon as one of the key's requests ends",
    ];

    // "Request limit / APIKey": the headers, and the values the overage header takes.
    private static readonly string[] Headers =
    [
        "X-UnitsLimit-Quota-Overage enabled when the key may go past its credit quota and be billed for the overage, else disabled.",
        "X-UnitsLimit-Quota-Allocated ",
        "X-UnitsLimit-Used ",
        "X-UnitsLimit-Quota-Remaining ",
    ];

    // "Node as a Service API": eth_call 20 credits, and the method table, every one 10.
    private const string TenCreditMethods = """
        abandontransaction abortrescan addnode analyzepsbt bumpfee combinepsbt combinerawtransaction createmultisig
        createpsbt createrawtransaction createwallet decoderawtransaction decodepsbt decodescript deriveaddresses
        disconnectnode dumpprivkey estimatesmartfee finalizepsbt fundrawtransaction generateblock generatetoaddress
        generatetodescriptor getaddressesbylabel getbalance getbalances getbestblockhash getblock getblockchaininfo
        getblockcount getblockfilter getblockhash getblockheader getblockstats getblocktemplate getchaintips
        getchaintxstats getconnectioncount getdifficulty getindexinfo getmemoryinfo getmempoolancestors
        getmempooldescendants getmempoolentry getmempoolinfo getmininginfo getnettotals getnetworkhashps
        getnetworkinfo getnewaddress getnodeaddresses getpeerinfo getrawchangeaddress getrawmempool getrawtransaction
        getreceivedbyaddress getreceivedbylabel getrpcinfo gettransaction gettxout gettxoutproof gettxoutsetinfo help
        importaddress importdescriptors importmulti importprivkey importprunedfunds importpubkey importwallet
        keypoolrefill listreceivedbyaddress listaddressgroupings listbanned listlabels listlockunspent listsinceblock
        listtransactions
        """;

    [Fact]
    public async Task ServedPage_StatesEveryLimitHeaderAndCreditOfTheVendorsPage()
    {
        await using var api = new NodeFactory();

        var page = await DocsPageText.ReadAsync(api.Client);

        foreach (var limit in Limits)
        {
            page.Contains(limit);
        }

        // "Each API key can be further customized with a more precise limit": refused on its own, while its sibling goes on.
        page.EntryContains("KEY_QUOTA_EXCEEDED", "Status 429 Too Many Requests", "API key credit limit exceeded", "this API key has used {used} of its {limit} credits in the 24-hour window");
        page.EntryContains("SUBSCRIPTION_QUOTA_EXCEEDED", "Status 429 Too Many Requests", "the subscription's keys have used {used} of its {limit} credits in the 24-hour window");
        foreach (var header in Headers)
        {
            page.Contains(header);
        }

        page.Contains("Every counted response, success or refusal, carries these headers:");
        page.Contains("Credits per JSON-RPC method (others cost 10)");
        page.Contains(" eth_call 20 ");
        var methods = TenCreditMethods.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(78, methods.Length);
        foreach (var method in methods)
        {
            page.Contains($" {method} 10 ");
        }
    }
}
