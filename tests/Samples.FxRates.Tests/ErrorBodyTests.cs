using System.Net;
using static Samples.FxRates.Tests.FxRatesHost;

namespace Samples.FxRates.Tests;

/// <summary>The flat body of 400, 401, 403 and 404: the fields that apply, in the page's order.</summary>
public sealed class ErrorBodyTests
{
    [Fact]
    public async Task MissingKey_Returns401_MissingApiKey()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync("/v1/rates/live?pair=EURUSD");

        answer.AssertError(
            HttpStatusCode.Unauthorized,
            ("error", "missing_api_key"),
            ("detail", "Missing X-API-Key header."),
            ("upgrade_url", UpgradeUrl));
    }

    [Fact]
    public async Task InvalidKey_Returns401_InvalidApiKey()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync("/v1/rates/live?pair=EURUSD", "fx_not_a_key");

        answer.AssertError(
            HttpStatusCode.Unauthorized,
            ("error", "invalid_api_key"),
            ("detail", "Invalid X-API-Key header."),
            ("upgrade_url", UpgradeUrl));
    }

    [Fact]
    public async Task SpreadOnFree_Returns403_PlanUpgradeRequired_ProIsAdmitted()
    {
        await using var api = new FxRatesHost();

        var free = await api.GetAsync("/v1/rates/spread?pair=EURUSD", FreeKey);
        var pro = await api.GetAsync("/v1/rates/spread?pair=EURUSD", ProKey);

        free.AssertError(
            HttpStatusCode.Forbidden,
            ("error", "plan_upgrade_required"),
            ("detail", "This endpoint is not available on the free plan."),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal(HttpStatusCode.OK, pro.Status);
        Assert.Equal(1.08415m, pro.Body.GetProperty("bid").GetDecimal());
        Assert.Equal(1.08425m, pro.Body.GetProperty("ask").GetDecimal());
    }

    [Theory]
    [InlineData("/v1/rates/historical?pair=EURUSD&date=2025-13-01", "Malformed date '2025-13-01': use YYYY-MM-DD.")]
    [InlineData("/v1/rates/historical?pair=EURUSD&date=14/01/2025", "Malformed date '14/01/2025': use YYYY-MM-DD.")]
    [InlineData("/v1/rates/historical?pair=EURUSD", "Missing required parameter 'date'.")]
    [InlineData("/v1/rates/historical?pair=EURXYZ&date=2025-01-14", "Unknown pair 'EURXYZ': see /v1/pairs.")]
    [InlineData("/v1/rates/historical?pair=EURUSD&date=2025-01-14&interval=5m", "Unsupported interval '5m': use 1h or 1d.")]
    [InlineData("/v1/rates/live?pair=eur-usd", "Malformed pair 'eur-usd': use six capital letters such as EURUSD.")]
    [InlineData("/v1/rates/live", "Missing required parameter 'pair'.")]
    [InlineData("/v1/rates/live?pair=EURUSD&max_age=abc", "Malformed max_age 'abc': use whole seconds from 1 to 86400, e.g. max_age=900.")]
    public async Task InvalidParameter_Returns400_WithTheReason(string path, string detail)
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync(path, FreeKey);

        answer.AssertError(
            HttpStatusCode.BadRequest,
            ("error", "invalid_parameter"),
            ("detail", detail),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
    }

    [Theory]
    [InlineData("2025-01-11")] // a Saturday: markets closed
    [InlineData("2019-12-31")] // before the first day of data
    [InlineData("2025-01-15")] // today: not closed yet
    [InlineData("2025-06-02")] // the future
    public async Task NoDataForTheDate_Returns404_NoData(string date)
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync($"/v1/rates/historical?pair=GBPUSD&date={date}", FreeKey);

        answer.AssertError(
            HttpStatusCode.NotFound,
            ("error", "no_data"),
            ("detail", $"No data for GBPUSD on {date}."),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
    }

    [Fact]
    public async Task UnknownPath_Returns404_NotFound_InTheFlatBody_WithRateLimitHeaders()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync("/v1/rates/nothing", FreeKey);

        answer.AssertError(
            HttpStatusCode.NotFound,
            ("error", "not_found"),
            ("detail", "No such endpoint. See the API reference for the available paths."),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
        answer.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
    }

    [Fact]
    public async Task PostToAGetRoute_Returns405_InTheFlatBody_WithAllowAndRateLimitHeaders()
    {
        await using var api = new FxRatesHost();

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/rates/live?pair=EURUSD", FreeKey);

        // No entry of its own: the generic client error (StatusErrors 400) with the real status, never problem+json.
        answer.AssertError(
            HttpStatusCode.MethodNotAllowed,
            ("error", "invalid_parameter"),
            ("detail", "Method Not Allowed"),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal("GET", answer.Header("Allow"));
        answer.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
    }

    public static TheoryData<string, string, string?> EveryError => new()
    {
        { "GET", "/v1/rates/live?pair=EURUSD", null },
        { "GET", "/v1/rates/live?pair=EURUSD", "fx_not_a_key" },
        { "GET", "/v1/rates/live?pair=eur", FreeKey },
        { "GET", "/v1/rates/spread?pair=EURUSD", FreeKey },
        { "GET", "/v1/rates/historical?pair=EURUSD&date=2025-01-11", FreeKey },
        { "GET", "/v1/nothing", FreeKey },
        { "POST", "/v1/pairs", FreeKey },
        { "GET", "/v1/rates/live?pair=USDTRY", FreeKey },
    };

    /// <summary>
    /// "All errors return a consistent JSON body": the same fields in the same order, each present when it has a value
    /// and omitted, never null, when it does not apply (its README says why).
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryError))]
    public async Task EveryError_HasThePagesFieldsInOrder_NoneNull(string method, string path, string? key)
    {
        string[] order = ["error", "detail", "retry_after_seconds", "tier", "tier_limit", "upgrade_url"];
        await using var api = new FxRatesHost();

        var answer = await api.SendAsync(new HttpMethod(method), path, key);

        Assert.True((int)answer.Status >= 400, $"{answer.Status}");
        Assert.Equal("application/json", answer.MediaType);
        var names = answer.Body.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(order.Where(names.Contains), names);
        Assert.Equal(["error", "detail"], names.Take(2));
        Assert.Equal("upgrade_url", names[^1]);
        Assert.DoesNotContain(answer.Body.EnumerateObject(), p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal(key is not null && key != "fx_not_a_key", names.Contains("tier"));
    }

    [Fact]
    public async Task Historical_ADayWithData_Returns200_DailyOrHourly()
    {
        await using var api = new FxRatesHost();

        var daily = await api.GetAsync("/v1/rates/historical?pair=EURUSD&date=2025-01-14", FreeKey);
        var hourly = await api.GetAsync("/v1/rates/historical?pair=EURUSD&date=2025-01-14&interval=1h", FreeKey);

        Assert.Equal(HttpStatusCode.OK, daily.Status);
        Assert.Equal("1d", daily.Body.GetProperty("interval").GetString());
        Assert.Equal("2025-01-15T00:00:00Z", Assert.Single(daily.Body.GetProperty("rates").EnumerateArray()).GetProperty("timestamp").GetString());
        Assert.Equal(24, hourly.Body.GetProperty("rates").GetArrayLength());
    }
}
