using System.Diagnostics;
using System.Net;
using System.Text;
using CoinApiClient;
using Xunit.Abstractions;
using NodeApi = CoinApi.NodeApi;

namespace ErrorCatalog.Client.Tests;

/// <summary>The CoinAPI-style node on Kestrel: its JSON-RPC error objects read through its errors.yaml (CoinApiClient.ApiErrors).</summary>
public sealed class CoinApiClientTests(ITestOutputHelper output)
{
    private const string TeamKeyOne = "coin_team_key_one_demo_0001";
    private const string TeamKeyTwo = "coin_team_key_two_demo_0002";

    [Fact]
    public async Task JsonRpcError_ParsesToItsTypedCode_AndIsNotRetried()
    {
        await using var api = new KestrelSample<NodeApi>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-CoinAPI-Key", TeamKeyOne, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("CoinAPI JSON-RPC METHOD_NOT_FOUND", wire, output);

        using var response = await services.Client().PostAsync("/", Call("nosuchmethod"));
        report.Calls = 1;
        report.Write();

        var error = await response.ReadCatalogErrorAsync(ApiErrors.Catalog);
        Assert.NotNull(error);
        Assert.Equal(ApiErrors.Codes.MethodNotFound, error.Code);
        Assert.Equal(ApiErrors.NumericCodes.MethodNotFound, (ApiErrors.NumericCodes?)error.NumericCode);
        Assert.True(ApiErrors.TryGetMethodNotFound(error, out var notFound));
        Assert.Equal("nosuchmethod", notFound.Method);
        Assert.Equal(1, wire.Calls);
    }

    [Fact]
    public async Task SharedSubscription_BothKeysAt500_EndsWithTheTypedSubscriptionError_AndItsReset_WithoutWaiting()
    {
        await using var api = new KestrelSample<NodeApi>();
        var wire = new Wire();
        await using var one = Clients.Build(api.BaseAddress, "X-CoinAPI-Key", TeamKeyOne, ApiErrors.Catalog, wire);
        await using var two = Clients.Build(api.BaseAddress, "X-CoinAPI-Key", TeamKeyTwo, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("CoinAPI shared subscription: 25 eth_call + 50 getblockcount, then both keys refused", wire, output);

        // "If both API keys, each with a limit of 500, exhaust their allotted limits, reaching a combined total of 1000,
        // further requests made using either key will be rejected until the limit resets."
        await SpendAsync(one.Client(), "eth_call", 25);
        await SpendAsync(two.Client(), "getblockcount", 50);
        var clock = Stopwatch.StartNew();
        var first = await Assert.ThrowsAsync<ApiErrorException>(() => one.Client().PostAsync("/", Call("getblockcount")));
        var second = await Assert.ThrowsAsync<ApiErrorException>(() => two.Client().PostAsync("/", Call("getblockcount")));
        clock.Stop();
        report.Calls = 77;
        report.Write();

        var midnight = DateTimeOffset.UtcNow.Date.AddDays(1);
        foreach (var refused in new[] { first, second })
        {
            Assert.Equal(ApiErrors.Codes.SubscriptionQuotaExceeded, refused.Code);
            Assert.True(ApiErrors.TryGetSubscriptionQuotaExceeded(refused.Error, out var quota));
            Assert.Equal(1000, quota.Limit);
            Assert.Equal(0, quota.Remaining);
            Assert.NotNull(refused.ResetAt);
            Assert.InRange(refused.ResetAt.Value, new DateTimeOffset(midnight.AddSeconds(-2), TimeSpan.Zero), new DateTimeOffset(midnight.AddSeconds(2), TimeSpan.Zero));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(77, wire.Calls);
        Assert.Equal(2, wire.Count(HttpStatusCode.TooManyRequests));
    }

    private static StringContent Call(string method) =>
        new($$"""{"jsonrpc":"2.0","method":"{{method}}","params":[],"id":1}""", Encoding.UTF8, "application/json");

    private static async Task SpendAsync(HttpClient client, string method, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await client.PostAsync("/", Call(method));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
