using System.Net;
using static Samples.FxRates.Tests.FxRatesHost;

namespace Samples.FxRates.Tests;

/// <summary>
/// X-RateLimit-* on every response; a per-minute limit (rate_limit_exceeded) and a monthly quota that resets on the
/// first of the calendar month UTC (monthly_quota_exceeded), two independent limits, moved with the fake clock.
/// </summary>
public sealed class RateLimitTests
{
    private const string Live = "/v1/rates/live?pair=EURUSD";

    [Fact]
    public async Task Success_CarriesXRateLimitHeaders_ForThePerMinuteCap()
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync(Live, FreeKey);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        answer.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
        Assert.Null(answer.Header("Retry-After"));
        Assert.Equal("EURUSD", answer.Body.GetProperty("pair").GetString());
        Assert.Equal(1.0842m, answer.Body.GetProperty("rate").GetDecimal());
        Assert.Equal("2025-01-15T10:00:00Z", answer.Body.GetProperty("timestamp").GetString());
        Assert.Equal(0, answer.Body.GetProperty("age_seconds").GetInt64());
    }

    [Fact]
    public async Task PerMinuteLimit_11thRequest_Returns429RateLimitExceeded_ExactlyAsThePageShows()
    {
        // 18 s into the minute, so the page's example comes out word for word: retry after 42 seconds.
        await using var api = new FxRatesHost(DefaultStart.AddSeconds(18));
        for (var i = 0; i < 10; i++)
        {
            var admitted = await api.GetAsync(Live, FreeKey);
            admitted.AssertRateLimit(limit: 10, remaining: 9 - i, reset: DefaultStart.AddMinutes(1));
        }

        var refused = await api.GetAsync(Live, FreeKey);

        refused.AssertError(
            HttpStatusCode.TooManyRequests,
            ("error", "rate_limit_exceeded"),
            ("detail", "You have used 10/10 requests this minute"),
            ("retry_after_seconds", 42),
            ("tier", "free"),
            ("tier_limit", "10 req/min"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal("42", refused.Header("Retry-After"));
        refused.AssertRateLimit(limit: 10, remaining: 0, reset: DefaultStart.AddMinutes(1));
    }

    [Fact]
    public async Task PerMinuteLimit_ResetsAfterTheWindow()
    {
        await using var api = new FxRatesHost();
        for (var i = 0; i < 10; i++)
        {
            await api.GetAsync(Live, FreeKey);
        }

        api.Time.Advance(TimeSpan.FromSeconds(59));
        var stillRefused = await api.GetAsync(Live, FreeKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var admitted = await api.GetAsync(Live, FreeKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.Status);
        Assert.Equal("1", stillRefused.Header("Retry-After"));
        Assert.Equal(1, stillRefused.Body.GetProperty("retry_after_seconds").GetInt64());
        Assert.Equal(HttpStatusCode.OK, admitted.Status);
        admitted.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(2));
    }

    [Fact]
    public async Task ProTier_HasItsOwnPerMinuteCap()
    {
        await using var api = new FxRatesHost();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Live, ProKey)).Status);
        }

        var refused = await api.GetAsync(Live, ProKey);

        refused.AssertError(
            HttpStatusCode.TooManyRequests,
            ("error", "rate_limit_exceeded"),
            ("detail", "You have used 100/100 requests this minute"),
            ("retry_after_seconds", 60),
            ("tier", "pro"),
            ("tier_limit", "100 req/min"),
            ("upgrade_url", UpgradeUrl));
    }

    [Fact]
    public async Task MonthlyQuota_1000Requests_Returns429MonthlyQuotaExceeded_UntilTheFirstUtc()
    {
        // The shipped free tier: 10 a minute, 1000 a month, spent over 100 minutes ending 23:40 on 31 January.
        await using var api = new FxRatesHost(new DateTimeOffset(2025, 1, 31, 22, 0, 0, TimeSpan.Zero));
        for (var i = 1; i <= 1000; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Live, FreeKey)).Status);
            if (i % 10 == 0)
            {
                api.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }

        var first = new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var refused = await api.GetAsync(Live, FreeKey);
        api.Time.Advance(first - api.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        var lastSecond = await api.GetAsync(Live, FreeKey);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var nextMonth = await api.GetAsync(Live, FreeKey);

        refused.AssertError(
            HttpStatusCode.TooManyRequests,
            ("error", "monthly_quota_exceeded"),
            ("detail", "You have used 1000/1000 requests this month"),
            ("retry_after_seconds", 20 * 60),
            ("tier", "free"),
            ("tier_limit", "1000 req/month"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal("1200", refused.Header("Retry-After"));

        // The headers describe the limit with the least remaining: here the quota, so X-RateLimit-Reset says when to retry.
        refused.AssertRateLimit(limit: 1000, remaining: 0, reset: first);
        Assert.Equal("monthly_quota_exceeded", lastSecond.Body.GetProperty("error").GetString());
        Assert.Equal("1", lastSecond.Header("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, nextMonth.Status);
        nextMonth.AssertRateLimit(limit: 10, remaining: 9, reset: first.AddMinutes(1));
    }

    [Fact]
    public async Task TwoIndependentLimits_MinuteRefusalsDoNotSpendTheMonthlyQuota()
    {
        await using var api = new FxRatesHost(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:month:PermitLimit"] = "15",
            ["ApiErrorCatalog:Plans:free:Limits:month:Description"] = "15 req/month",
        });

        // Minute 1: 10 admitted, 5 refused by the minute limit. Minute 2: 5 more admitted, then the quota (15) is used.
        for (var i = 0; i < 15; i++)
        {
            var answer = await api.GetAsync(Live, FreeKey);
            Assert.Equal(i < 10 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, answer.Status);
            if (i >= 10)
            {
                Assert.Equal("rate_limit_exceeded", answer.Body.GetProperty("error").GetString());
            }
        }

        api.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Live, FreeKey)).Status);
        }

        var quota = await api.GetAsync(Live, FreeKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, quota.Status);
        Assert.Equal("monthly_quota_exceeded", quota.Body.GetProperty("error").GetString());
        Assert.Equal("You have used 15/15 requests this month", quota.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OverriddenPermit_TierLimitFollowsTheNumber()
    {
        await using var api = new FxRatesHost(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit"] = "15",
        });
        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Live, FreeKey)).Status);
        }

        var refused = await api.GetAsync(Live, FreeKey);

        Assert.Equal("You have used 15/15 requests this minute", refused.Body.GetProperty("detail").GetString());
        Assert.Equal("15 req/min", refused.Body.GetProperty("tier_limit").GetString());
    }

    [Fact]
    public async Task KeysOwnPermit_TierLimitFollowsIt()
    {
        // demo-free (ApiKeys:0) with its own minute limit of 5 beside the plan's 10.
        await using var api = new FxRatesHost(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:ApiKeys:0:Limits:minute"] = "5",
        });
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Live, FreeKey)).Status);
        }

        var refused = await api.GetAsync(Live, FreeKey);

        Assert.Equal("You have used 5/5 requests this minute", refused.Body.GetProperty("detail").GetString());
        Assert.Equal("5 req/min", refused.Body.GetProperty("tier_limit").GetString());
    }

    [Fact]
    public async Task DescriptionThatStatesAnotherNumber_FailsAtStartUp_NamingTheSetting()
    {
        await using var api = new FxRatesHost(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit"] = "15",
            ["ApiErrorCatalog:Plans:free:Limits:minute:Description"] = "10 req/min",
        });

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => api.GetAsync(Live, FreeKey));

        Assert.Contains("ApiErrorCatalog:Plans:free:Limits:minute:Description '10 req/min' does not state PermitLimit 15", failure.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, HttpStatusCode> EveryStatus => new()
    {
        { Live, FreeKey, HttpStatusCode.OK },
        { "/v1/rates/historical?pair=EURUSD&date=15-01-2025", FreeKey, HttpStatusCode.BadRequest },
        { "/v1/rates/spread?pair=EURUSD", FreeKey, HttpStatusCode.Forbidden },
        { "/v1/rates/historical?pair=EURUSD&date=2025-01-11", FreeKey, HttpStatusCode.NotFound },
        { "/v1/rates/live?pair=USDTRY", FreeKey, HttpStatusCode.ServiceUnavailable },
        { Live, null, HttpStatusCode.Unauthorized },
        { Live, "not_a_key", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task EveryResponse_HasXRateLimitHeaders_WhateverItsStatus(string path, string? key, HttpStatusCode status)
    {
        await using var api = new FxRatesHost();

        var answer = await api.GetAsync(path, key);

        Assert.Equal(status, answer.Status);
        Assert.NotNull(answer.Header("X-RateLimit-Limit"));
        Assert.NotNull(answer.Header("X-RateLimit-Remaining"));
        Assert.Equal(Unix(DefaultStart.AddMinutes(1)), answer.Header("X-RateLimit-Reset"));
    }

    [Fact]
    public async Task AdmittedErrors_DescribeTheKeysMinuteLimit_RefusedKeysTheIpLimit()
    {
        await using var api = new FxRatesHost();

        // A 400, 404 or 503 was admitted and counted: the key's per-minute cap. A request refused before its key's
        // limits (401, 403) has no key limit: it is counted against, and described by, the IP limit (300 a minute).
        var badDate = await api.GetAsync("/v1/rates/historical?pair=EURUSD&date=15-01-2025", FreeKey);
        var noKey = await api.GetAsync(Live);
        var notOnPlan = await api.GetAsync("/v1/rates/spread?pair=EURUSD", FreeKey);

        badDate.AssertRateLimit(limit: 10, remaining: 9, reset: DefaultStart.AddMinutes(1));
        noKey.AssertRateLimit(limit: 300, remaining: 298, reset: DefaultStart.AddMinutes(1));
        notOnPlan.AssertRateLimit(limit: 300, remaining: 297, reset: DefaultStart.AddMinutes(1));
    }

    [Fact]
    public async Task IpLimit_AnswersWithRateLimitExceeded_AndItsOwnTierLimit()
    {
        await using var api = new FxRatesHost();
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(Live)).Status);
        }

        var refused = await api.GetAsync(Live, ProKey);

        refused.AssertError(
            HttpStatusCode.TooManyRequests,
            ("error", "rate_limit_exceeded"),
            ("detail", "You have used 300/300 requests this minute"),
            ("retry_after_seconds", 60),
            ("tier", "pro"),
            ("tier_limit", "300 req/min per IP"),
            ("upgrade_url", UpgradeUrl));
        Assert.Equal("60", refused.Header("Retry-After"));
    }
}
