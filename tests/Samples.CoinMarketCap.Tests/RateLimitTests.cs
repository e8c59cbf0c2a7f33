using System.Net;
using static Samples.CoinMarketCap.Tests.CoinMarketCapHost;

namespace Samples.CoinMarketCap.Tests;

/// <summary>
/// 1008-1011: a per-minute limit that resets every 60 seconds and scales with the plan (free 30, pro 90), daily and
/// monthly credit limits, and a limit per IP address (300 a minute), moved with the fake clock.
/// </summary>
public sealed class RateLimitTests
{
    private const string Listings = "/v1/cryptocurrency/listings/latest?limit=1";
    private const string MinuteMessage = "You've exceeded your API Key's HTTP request rate limit. Rate limits reset every minute.";

    [Theory]
    [InlineData(FreeKey, 30)]
    [InlineData(ProKey, 90)]
    public async Task MinuteLimit_ScalesWithThePlan_ThenRefuses1008(string key, int perMinute)
    {
        await using var api = new CoinMarketCapHost();

        for (var i = 0; i < perMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Listings, key)).Status);
        }

        var refused = await api.GetAsync(Listings, key);

        refused.AssertError(HttpStatusCode.TooManyRequests, 1008, MinuteMessage, api.Now, creditCount: 0);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.RetryAfter);
    }

    [Fact]
    public async Task MinuteLimit_ResetsAfter60Seconds()
    {
        await using var api = new CoinMarketCapHost();
        for (var i = 0; i < 30; i++)
        {
            await api.GetAsync(Listings, FreeKey);
        }

        api.Time.Advance(TimeSpan.FromSeconds(59));
        var stillRefused = await api.GetAsync(Listings, FreeKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var admitted = await api.GetAsync(Listings, FreeKey);

        stillRefused.AssertError(HttpStatusCode.TooManyRequests, 1008, MinuteMessage, "2025-01-15T10:00:59.000Z");
        Assert.Equal(TimeSpan.FromSeconds(1), stillRefused.RetryAfter);
        admitted.AssertSuccess("2025-01-15T10:01:00.000Z", creditCount: 1);
    }

    [Fact]
    public async Task DailyLimit_Free333Credits_Refuses1009_UntilMidnightUtc()
    {
        await using var api = new CoinMarketCapHost();
        await SpendAsync(api, FreeKey, 333);

        var refused = await api.GetAsync(Listings, FreeKey);
        var untilMidnight = new DateTimeOffset(2025, 1, 16, 0, 0, 0, TimeSpan.Zero) - api.Time.GetUtcNow();
        api.Time.Advance(untilMidnight - TimeSpan.FromSeconds(1));
        var lastSecond = await api.GetAsync(Listings, FreeKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var nextDay = await api.GetAsync(Listings, FreeKey);

        refused.AssertError(HttpStatusCode.TooManyRequests, 1009, "You've exceeded your API Key's daily rate limit.", "2025-01-15T10:11:00.000Z");
        Assert.Equal(untilMidnight, refused.RetryAfter);
        Assert.Equal(1009, lastSecond.StatusObject.GetProperty("error_code").GetInt32());
        nextDay.AssertSuccess("2025-01-16T00:00:00.000Z", creditCount: 1);
    }

    [Fact]
    public async Task DailyLimit_CountsCredits_NotRequests()
    {
        await using var api = new CoinMarketCapHost(DefaultStart, new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:pro:Limits:day:PermitLimit"] = "12",
        });

        // Two historical calls at 5 credits each, then a 1-credit call: 11 of 12; a third historical call needs 5.
        await api.GetAsync("/v1/cryptocurrency/quotes/historical?symbol=BTC", ProKey);
        await api.GetAsync("/v1/cryptocurrency/quotes/historical?symbol=BTC", ProKey);
        var cheap = await api.GetAsync(Listings, ProKey);
        var expensive = await api.GetAsync("/v1/cryptocurrency/quotes/historical?symbol=BTC", ProKey);
        var lastCredit = await api.GetAsync(Listings, ProKey);

        cheap.AssertSuccess(api.Now, creditCount: 1);
        expensive.AssertError(HttpStatusCode.TooManyRequests, 1009, "You've exceeded your API Key's daily rate limit.", api.Now);
        lastCredit.AssertSuccess(api.Now, creditCount: 1);
    }

    [Fact]
    public async Task MonthlyLimit_Refuses1010_UntilTheFirstOfTheMonthUtc()
    {
        // The shipped plan allows 10,000 credits a month; a smaller quota keeps the test fast.
        await using var api = new CoinMarketCapHost(new DateTimeOffset(2025, 1, 20, 10, 0, 0, TimeSpan.Zero), new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:month:PermitLimit"] = "40",
        });
        await SpendAsync(api, FreeKey, 40);

        var refused = await api.GetAsync(Listings, FreeKey);
        var untilFirst = new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero) - api.Time.GetUtcNow();
        api.Time.Advance(untilFirst - TimeSpan.FromSeconds(1));
        var lastSecond = await api.GetAsync(Listings, FreeKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var nextMonth = await api.GetAsync(Listings, FreeKey);

        refused.AssertError(HttpStatusCode.TooManyRequests, 1010, "You've exceeded your API Key's monthly rate limit.", "2025-01-20T10:01:00.000Z");
        Assert.Equal(untilFirst, refused.RetryAfter);
        lastSecond.AssertError(HttpStatusCode.TooManyRequests, 1010, "You've exceeded your API Key's monthly rate limit.", "2025-01-31T23:59:59.000Z");
        nextMonth.AssertSuccess("2025-02-01T00:00:00.000Z", creditCount: 1);
    }

    [Fact]
    public async Task IpLimit_300AMinute_Refuses1011_KeyedAndAnonymousAlike()
    {
        await using var api = new CoinMarketCapHost();
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/global-metrics/quotes/latest")).Status);
        }

        var anonymous = await api.GetAsync("/v1/global-metrics/quotes/latest");
        var keyed = await api.GetAsync(Listings, ProKey);
        var refusedAt = api.Now;
        api.Time.Advance(TimeSpan.FromSeconds(60));
        var nextMinute = await api.GetAsync("/v1/global-metrics/quotes/latest");

        anonymous.AssertError(HttpStatusCode.TooManyRequests, 1011, "You've hit an IP rate limit.", refusedAt);
        Assert.Equal(TimeSpan.FromSeconds(60), anonymous.RetryAfter);
        Assert.Equal(1011, keyed.StatusObject.GetProperty("error_code").GetInt32());
        Assert.Equal(HttpStatusCode.OK, nextMinute.Status);
    }

    [Fact]
    public async Task IpLimit_CountsRequestsWithBadKeys_SoGuessingKeysIsThrottledToo()
    {
        await using var api = new CoinMarketCapHost();
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(Listings, $"guess_{i}")).Status);
        }

        var refused = await api.GetAsync(Listings, "guess_300");

        refused.AssertError(HttpStatusCode.TooManyRequests, 1011, "You've hit an IP rate limit.", api.Now);
    }

    /// <summary>Spends <paramref name="credits"/> one-credit requests, 30 a minute (the free minute limit).</summary>
    private static async Task SpendAsync(CoinMarketCapHost api, string key, int credits)
    {
        for (var i = 1; i <= credits; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Listings, key)).Status);
            if (i % 30 == 0)
            {
                api.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }
    }
}
