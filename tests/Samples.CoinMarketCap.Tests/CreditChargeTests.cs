using System.Net;
using static Samples.CoinMarketCap.Tests.CoinMarketCapHost;

namespace Samples.CoinMarketCap.Tests;

/// <summary>
/// What a request costs in credits when no endpoint of the API answers it (an unknown path, a wrong method, a
/// parameter the framework cannot bind): nothing, and the body's <c>credit_count</c> says so; an endpoint that runs
/// costs its credits, its own 400 included.
/// </summary>
public sealed class CreditChargeTests
{
    // The free plan with a daily quota of 2 credits: one charged request too many shows as 429 1009.
    private static readonly Dictionary<string, string?> TwoCreditsADay = new()
    {
        ["ApiErrorCatalog:Plans:free:Limits:day:PermitLimit"] = "2",
    };

    [Fact]
    public async Task UnknownPath_CostsNoCredits_AndSaysSo()
    {
        await using var api = new CoinMarketCapHost(DefaultStart, TwoCreditsADay);

        var unknown = new List<Answer>();
        for (var i = 0; i < 3; i++)
        {
            unknown.Add(await api.GetAsync("/v1/cryptocurrency/nothing-here", FreeKey));
        }

        var first = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=1", FreeKey);
        var second = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=1", FreeKey);
        var third = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=1", FreeKey);

        Assert.All(unknown, a => a.AssertError(HttpStatusCode.NotFound, 404, "The requested endpoint was not found.", api.Now, creditCount: 0));
        first.AssertSuccess(api.Now, creditCount: 1);
        second.AssertSuccess(api.Now, creditCount: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.Equal(1009, third.StatusObject.GetProperty("error_code").GetInt32());
        Assert.Equal(0, third.StatusObject.GetProperty("credit_count").GetInt64());
    }

    [Fact]
    public async Task MethodNotAllowed_CostsNoCredits()
    {
        await using var api = new CoinMarketCapHost(DefaultStart, TwoCreditsADay);
        using var client = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cryptocurrency/listings/latest");
            request.Headers.Add(KeyHeader, FreeKey);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        var first = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=1", FreeKey);
        var second = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=1", FreeKey);

        Assert.All(statuses, static s => Assert.Equal(HttpStatusCode.MethodNotAllowed, s));
        first.AssertSuccess(api.Now, creditCount: 1);
        second.AssertSuccess(api.Now, creditCount: 1);
    }

    [Fact]
    public async Task ParameterTheFrameworkCannotBind_CostsNoCredits_WhileTheEndpointsOwn400IsCharged()
    {
        // The pro plan with a daily quota of 2 credits; "count" is an int? the framework binds.
        await using var api = new CoinMarketCapHost(DefaultStart, new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:pro:Limits:day:PermitLimit"] = "2",
        });

        var unbound = new List<Answer>();
        for (var i = 0; i < 3; i++)
        {
            unbound.Add(await api.GetAsync("/v1/global-metrics/quotes/historical?count=abc", ProKey));
        }

        var ownBadRequest = await api.GetAsync("/v1/global-metrics/quotes/historical?count=0", ProKey);
        var good = await api.GetAsync("/v1/global-metrics/quotes/historical?count=2", ProKey);
        var overQuota = await api.GetAsync("/v1/global-metrics/quotes/historical?count=2", ProKey);

        Assert.All(unbound, a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.Equal(400, a.StatusObject.GetProperty("error_code").GetInt32());
            Assert.Contains("count", a.StatusObject.GetProperty("error_message").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, a.StatusObject.GetProperty("credit_count").GetInt64());
        });
        ownBadRequest.AssertError(HttpStatusCode.BadRequest, 400, "\"count\" must be between 1 and 30", api.Now, creditCount: 1);
        Assert.Equal(2, good.AssertSuccess(api.Now, creditCount: 1).GetArrayLength()); // the daily credits were untouched by the 400s
        Assert.Equal(HttpStatusCode.TooManyRequests, overQuota.Status);
        Assert.Equal(1009, overQuota.StatusObject.GetProperty("error_code").GetInt32());
    }

    /// <summary>An endpoint's handler that ran is charged, also when it answers its own 400.</summary>
    [Fact]
    public async Task EndpointThatRuns_CostsItsCredits()
    {
        await using var api = new CoinMarketCapHost(DefaultStart, TwoCreditsADay);

        var historical = await api.GetAsync("/v1/cryptocurrency/quotes/historical?symbol=BTC&count=1", ProKey);
        var badArgument = await api.GetAsync("/v1/cryptocurrency/listings/latest?limit=0", FreeKey);

        historical.AssertSuccess(api.Now, creditCount: 5);
        Assert.Equal(HttpStatusCode.BadRequest, badArgument.Status);
        Assert.Equal(1, badArgument.StatusObject.GetProperty("credit_count").GetInt64());
    }
}
