using System.Net;
using static Samples.FxRates.Tests.FxRatesHost;

namespace Samples.FxRates.Tests;

/// <summary>
/// 503 for data older than the freshness threshold (10 minutes) with Retry-After 60, /v1/status naming the collector
/// that is down, and max_age relaxing the threshold. The shipped configuration has the "borsa" collector (USDTRY)
/// down since 25 minutes before the app started.
/// </summary>
public sealed class StaleDataTests
{
    [Fact]
    public async Task StalePair_Returns503_WithRetryAfter60()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync("/v1/rates/live?pair=USDTRY", FreeKey);

        answer.AssertError(
            HttpStatusCode.ServiceUnavailable,
            ("error", "stale_data"),
            ("detail", "Data for USDTRY is 1500 seconds old, beyond the freshness threshold of 600 seconds. Check /v1/status and retry in 60 seconds."),
            ("retry_after_seconds", 60),
            ("tier", "free"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal("60", answer.Header("Retry-After"));
        answer.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
    }

    [Theory]
    [InlineData(1800, HttpStatusCode.OK)]
    [InlineData(1500, HttpStatusCode.OK)]
    [InlineData(900, HttpStatusCode.ServiceUnavailable)]
    public async Task MaxAge_RelaxesTheThreshold(int maxAge, HttpStatusCode expected)
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync($"/v1/rates/live?pair=USDTRY&max_age={maxAge}", FreeKey);

        Assert.Equal(expected, answer.Status);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(1500, answer.Body.GetProperty("age_seconds").GetInt64());
            Assert.Equal("2025-01-15T09:35:00Z", answer.Body.GetProperty("timestamp").GetString());
        }
        else
        {
            Assert.Equal(
                $"Data for USDTRY is 1500 seconds old, beyond the freshness threshold of {maxAge} seconds. Check /v1/status and retry in 60 seconds.",
                answer.Body.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task FreshnessThreshold_IsTenMinutes()
    {
        // The lseg collector (EURUSD) goes down as the app starts: fresh for exactly 10 minutes.
        await using var api = new FxRatesHost(new Dictionary<string, string?> { ["FxRates:Outages:lseg:DownFor"] = "00:00:00" });

        var atStart = await api.GetAsync("/v1/rates/live?pair=EURUSD", ProKey);
        api.Time.Advance(TimeSpan.FromMinutes(10));
        var atThreshold = await api.GetAsync("/v1/rates/live?pair=EURUSD", ProKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var beyond = await api.GetAsync("/v1/rates/live?pair=EURUSD", ProKey);

        Assert.Equal(0, atStart.Body.GetProperty("age_seconds").GetInt64());
        Assert.Equal(HttpStatusCode.OK, atThreshold.Status);
        Assert.Equal(600, atThreshold.Body.GetProperty("age_seconds").GetInt64());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, beyond.Status);
        Assert.Equal("stale_data", beyond.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task CollectorRecovers_PairIsFreshAgain()
    {
        await using var api = new FxRatesHost(new Dictionary<string, string?> { ["FxRates:Outages:borsa:RecoversAfter"] = "00:05:00" });

        var down = await api.GetAsync("/v1/rates/live?pair=USDTRY", ProKey);
        api.Time.Advance(TimeSpan.FromMinutes(5));
        var recovered = await api.GetAsync("/v1/rates/live?pair=USDTRY", ProKey);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
        Assert.Equal(0, recovered.Body.GetProperty("age_seconds").GetInt64());
    }

    [Fact]
    public async Task Status_NamesTheCollectorThatIsDown_AndTheStalePairs()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync("/v1/status", FreeKey);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var body = answer.Body;
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal(600, body.GetProperty("freshness_threshold_seconds").GetInt64());
        Assert.Equal(["USDTRY"], body.GetProperty("stale_pairs").EnumerateArray().Select(p => p.GetString()));
        var borsa = body.GetProperty("collectors").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "borsa");
        Assert.Equal("down", borsa.GetProperty("status").GetString());
        Assert.Equal("2025-01-15T09:35:00Z", borsa.GetProperty("last_update").GetString());
        var lseg = body.GetProperty("collectors").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "lseg");
        Assert.Equal("up", lseg.GetProperty("status").GetString());
        answer.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
    }

    [Fact]
    public async Task Status_WithEveryCollectorUp_IsOk()
    {
        await using var api = new FxRatesHost(new Dictionary<string, string?> { ["FxRates:Outages:borsa:RecoversAfter"] = "00:00:00" });

        var answer = await api.GetAsync("/v1/status", FreeKey);

        Assert.Equal("ok", answer.Body.GetProperty("status").GetString());
        Assert.Equal(0, answer.Body.GetProperty("stale_pairs").GetArrayLength());
    }
}
