using System.Net;
using static Samples.CoinMarketCap.Tests.CoinMarketCapHost;

namespace Samples.CoinMarketCap.Tests;

/// <summary>Codes 1001-1007: the page's status, error_code and error_message, no credits charged.</summary>
public sealed class KeyRefusalTests
{
    public static TheoryData<string, string?, HttpStatusCode, int, string> Refusals => new()
    {
        { "/v1/cryptocurrency/listings/latest", "not_a_key", HttpStatusCode.Unauthorized, 1001, "This API Key is invalid." },
        { "/v1/cryptocurrency/listings/latest", null, HttpStatusCode.Unauthorized, 1002, "API key missing." },
        { "/v1/cryptocurrency/listings/latest", UnpaidKey, HttpStatusCode.PaymentRequired, 1003, "Your API Key must be activated. Please go to pro.coinmarketcap.com/account/plan." },
        { "/v1/cryptocurrency/listings/latest", ExpiredKey, HttpStatusCode.PaymentRequired, 1004, "Your API Key's subscription plan has expired." },
        { "/v1/global-metrics/quotes/historical", null, HttpStatusCode.Forbidden, 1005, "An API Key is required for this call." },
        { "/v1/cryptocurrency/quotes/historical?symbol=BTC", FreeKey, HttpStatusCode.Forbidden, 1006, "Your API Key subscription plan doesn't support this endpoint." },
        { "/v1/global-metrics/quotes/historical", FreeKey, HttpStatusCode.Forbidden, 1006, "Your API Key subscription plan doesn't support this endpoint." },
        { "/v1/cryptocurrency/listings/latest", DisabledKey, HttpStatusCode.Forbidden, 1007, "This API Key has been disabled. Please contact support." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_AnswersWithThePagesCodeAndMessage(string path, string? key, HttpStatusCode status, int code, string message)
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync(path, key);

        answer.AssertError(status, code, message, "2025-01-15T10:00:00.000Z", creditCount: 0);
        Assert.Null(answer.RetryAfter);
    }

    [Fact]
    public async Task MissingKey_IsRequiredEverywhereButTheKeyOptionalEndpoints()
    {
        await using var api = new CoinMarketCapHost();

        // Key-required endpoint: 401 1002. Key-optional endpoint: 200. Key-optional area, key-needing endpoint: 403 1005.
        var required = await api.GetAsync("/v1/cryptocurrency/quotes/latest?symbol=BTC");
        var optional = await api.GetAsync("/v1/global-metrics/quotes/latest");
        var needsKey = await api.GetAsync("/v1/global-metrics/quotes/historical");

        Assert.Equal(1002, required.StatusObject.GetProperty("error_code").GetInt32());
        Assert.Equal(HttpStatusCode.OK, optional.Status);
        Assert.Equal(1005, needsKey.StatusObject.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task InvalidKey_OnAKeyOptionalEndpoint_IsStillRefused1001()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/global-metrics/quotes/latest", "not_a_key");

        answer.AssertError(HttpStatusCode.Unauthorized, 1001, "This API Key is invalid.", api.Now);
    }

    [Fact]
    public async Task ProKey_OnTheKeyOptionalPlanGatedEndpoint_Returns200()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/global-metrics/quotes/historical", ProKey);

        Assert.Single(answer.AssertSuccess(api.Now, creditCount: 1).EnumerateArray());
    }
}
