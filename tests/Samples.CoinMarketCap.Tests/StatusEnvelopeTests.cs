using System.Net;
using static Samples.CoinMarketCap.Tests.CoinMarketCapHost;

namespace Samples.CoinMarketCap.Tests;

/// <summary>"A status object is always included in the JSON response payload for both successful calls and failures."</summary>
public sealed class StatusEnvelopeTests
{
    [Fact]
    public async Task QuotesLatest_Btc_Returns200_StatusErrorCode0_MessageNull_OneCredit()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/cryptocurrency/quotes/latest?symbol=BTC", FreeKey);

        var data = answer.AssertSuccess("2025-01-15T10:00:00.000Z", creditCount: 1);
        var btc = data.GetProperty("BTC");
        Assert.Equal(1, btc.GetProperty("id").GetInt32());
        Assert.Equal("Bitcoin", btc.GetProperty("name").GetString());
        Assert.Equal("BTC", btc.GetProperty("symbol").GetString());
        Assert.Equal(1, btc.GetProperty("cmc_rank").GetInt32());
        Assert.Equal(97_250.12m, btc.GetProperty("quote").GetProperty("USD").GetProperty("price").GetDecimal());
        Assert.Equal("2025-01-15T10:00:00Z", btc.GetProperty("last_updated").GetString());
    }

    [Fact]
    public async Task QuotesLatest_SeveralSymbolsAndIds_KeyedBySymbolOrId()
    {
        await using var api = new CoinMarketCapHost();

        var bySymbol = await api.GetAsync("/v1/cryptocurrency/quotes/latest?symbol=BTC,eth", FreeKey);
        var byId = await api.GetAsync("/v1/cryptocurrency/quotes/latest?id=1,1027", FreeKey);

        Assert.Equal(["BTC", "ETH"], bySymbol.AssertSuccess(api.Now, 1).EnumerateObject().Select(p => p.Name));
        Assert.Equal(["1", "1027"], byId.AssertSuccess(api.Now, 1).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ListingsLatest_ReturnsTheListInTheEnvelope_AndTheTimestampFollowsTheClock()
    {
        await using var api = new CoinMarketCapHost();
        api.Time.Advance(TimeSpan.FromSeconds(12.345));

        var answer = await api.GetAsync("/v1/cryptocurrency/listings/latest?start=2&limit=3", FreeKey);

        var data = answer.AssertSuccess("2025-01-15T10:00:12.345Z", creditCount: 1);
        Assert.Equal(["ETH", "USDT", "XRP"], data.EnumerateArray().Select(c => c.GetProperty("symbol").GetString()));
    }

    [Fact]
    public async Task KeyInQueryParameter_IsAccepted()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync($"/v1/cryptocurrency/listings/latest?limit=1&CMC_PRO_API_KEY={FreeKey}");

        Assert.Single(answer.AssertSuccess(api.Now, creditCount: 1).EnumerateArray());
    }

    [Fact]
    public async Task KeyOptionalEndpoint_WithoutKey_Returns200_ZeroCredits()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/global-metrics/quotes/latest");

        var data = answer.AssertSuccess(api.Now, creditCount: 0);
        Assert.Equal(6, data.GetProperty("active_cryptocurrencies").GetInt32());
    }

    [Fact]
    public async Task PlanGatedEndpoint_ProKey_Returns200_WithItsCreditCost()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/cryptocurrency/quotes/historical?symbol=BTC&count=2", ProKey);

        var data = answer.AssertSuccess(api.Now, creditCount: 5);
        Assert.Equal(
            ["2025-01-13T00:00:00Z", "2025-01-14T00:00:00Z"],
            data.GetProperty("quotes").EnumerateArray().Select(q => q.GetProperty("timestamp").GetString()));
    }

    [Fact]
    public async Task ErrorsHaveNoDataProperty_OnlyTheStatusObject()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/cryptocurrency/listings/latest");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.False(answer.Body.TryGetProperty("data", out _));
    }
}
