using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Fixed windows aligned to the UTC clock and calendar months, sliding windows, and several limits at once.</summary>
public sealed class WindowTests
{
    private const string MinuteCode = "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED";
    private const string DayCode = "API_KEY_PLAN_DAILY_RATE_LIMIT_REACHED";
    private const string MonthCode = "API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED";

    /// <summary>One plan "p" with <paramref name="limits"/>, and <paramref name="key"/> on it.</summary>
    private static string Config(string key, string limits) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "p": { "Limits": { {{limits}} } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
          }
        }
        """;

    private static async Task AdmitAsync(TestApi api, string key, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await api.GetAsync("/ok", key);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i + 1} of {count}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static long Unix(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeSeconds();

    [Fact]
    public async Task MinuteLimit_RefusesAtNPlusOne_UntilTheNextMinute()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """ "minute": { "PermitLimit": 3, "Window": "minute" } """));

        await AdmitAsync(api, key, 3);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
        Assert.Equal("30", Header(refused, "Retry-After"));
        Assert.Equal(30, body.GetProperty("retryAfter").GetInt64());
        Assert.Equal(3, body.GetProperty("used").GetInt64());
        Assert.Equal(3, body.GetProperty("limit").GetInt64());
        Assert.Equal(
            "You've exceeded your API Key's HTTP request rate limit: 3 of 3 requests this minute. Rate limits reset every minute.",
            body.GetProperty("detail").GetString());
        Assert.Equal("3", Header(refused, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
        Assert.Equal(Unix(2024, 2, 29).ToString(), Header(refused, "X-RateLimit-Reset"));

        api.Time.Advance(TimeSpan.FromSeconds(29));
        using var stillRefused = await api.GetAsync("/ok", key);
        await AssertProblemAsync(stillRefused, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
        Assert.Equal("1", Header(stillRefused, "Retry-After"));

        api.Time.Advance(TimeSpan.FromSeconds(1));
        using var reset = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal("2", Header(reset, "X-RateLimit-Remaining"));
        Assert.Equal(Unix(2024, 2, 29, 0, 1).ToString(), Header(reset, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task MinuteLimit_RetryAfterRoundsPartSecondsUp()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key, """ "minute": { "PermitLimit": 1, "Window": "minute" } """),
            start: new DateTimeOffset(2024, 5, 1, 10, 0, 17, 250, TimeSpan.Zero));

        await AdmitAsync(api, key, 1);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
        Assert.Equal("43", Header(refused, "Retry-After")); // 42.75 s to 10:01:00
        Assert.Equal(43, body.GetProperty("retryAfter").GetInt64());
    }

    [Fact]
    public async Task DailyLimit_RefusesUntilMidnightUtc()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key, """ "day": { "PermitLimit": 2, "Window": "day" } """),
            start: new DateTimeOffset(2024, 2, 28, 12, 0, 0, TimeSpan.Zero));

        await AdmitAsync(api, key, 2);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, DayCode, 1009);
        Assert.Equal("43200", Header(refused, "Retry-After"));
        Assert.Equal(43200, body.GetProperty("retryAfter").GetInt64());
        Assert.Equal(Unix(2024, 2, 29).ToString(), Header(refused, "X-RateLimit-Reset"));

        api.Time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        using var lastSecond = await api.GetAsync("/ok", key);
        await AssertProblemAsync(lastSecond, HttpStatusCode.TooManyRequests, DayCode, 1009);
        Assert.Equal("1", Header(lastSecond, "Retry-After"));

        api.Time.Advance(TimeSpan.FromSeconds(1));
        await AdmitAsync(api, key, 2);
    }

    [Fact]
    public async Task MonthLimit_LeapFebruary_ResetsAtMidnightOnTheFirstOfMarch()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key, """ "month": { "PermitLimit": 2, "Window": "month" } """),
            start: new DateTimeOffset(2024, 2, 29, 23, 0, 0, TimeSpan.Zero));

        await AdmitAsync(api, key, 2);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MonthCode, 1010);
        Assert.Equal("3600", Header(refused, "Retry-After"));
        Assert.Equal(3600, body.GetProperty("retryAfter").GetInt64());
        Assert.Equal(Unix(2024, 3, 1).ToString(), Header(refused, "X-RateLimit-Reset"));

        api.Time.SetUtcNow(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero));
        using var lastSecond = await api.GetAsync("/ok", key);
        await AssertProblemAsync(lastSecond, HttpStatusCode.TooManyRequests, MonthCode, 1010);
        Assert.Equal("1", Header(lastSecond, "Retry-After"));

        api.Time.SetUtcNow(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var march = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, march.StatusCode);
        Assert.Equal("1", Header(march, "X-RateLimit-Remaining"));
        Assert.Equal(Unix(2024, 4, 1).ToString(), Header(march, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task MonthLimit_UsedInFebruary_IsNotCarriedIntoMarch_ButIsKeptAcrossFebruary()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key, """ "month": { "PermitLimit": 3, "Window": "month" } """),
            start: new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero));

        await AdmitAsync(api, key, 2);
        api.Time.SetUtcNow(new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero)); // idle for four weeks
        await AdmitAsync(api, key, 1);
        using var refused = await api.GetAsync("/ok", key);
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MonthCode, 1010);

        api.Time.Advance(TimeSpan.FromSeconds(1));
        await AdmitAsync(api, key, 3);
    }

    [Fact]
    public async Task MinuteAndMonthLimits_EachRefusesWithItsOwnCode()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 2, "Window": "minute" },
            "month": { "PermitLimit": 3, "Window": "month" }
            """));

        // 23:59:30 on the 28th: the minute limit refuses the third request.
        await AdmitAsync(api, key, 2);
        using var byMinute = await api.GetAsync("/ok", key);
        var minute = await AssertProblemAsync(byMinute, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
        Assert.Equal("30", Header(byMinute, "Retry-After"));
        Assert.Equal(2, minute.GetProperty("limit").GetInt64());

        // Midnight on the 29th: a new minute, but the month has one request left.
        api.Time.Advance(TimeSpan.FromSeconds(30));
        await AdmitAsync(api, key, 1);
        using var byMonth = await api.GetAsync("/ok", key);
        var month = await AssertProblemAsync(byMonth, HttpStatusCode.TooManyRequests, MonthCode, 1010);
        Assert.Equal("86400", Header(byMonth, "Retry-After")); // the whole of the 29th
        Assert.Equal(3, month.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task TwoLimitsRefusingAtOnce_AnswerWithTheOneThatAdmitsLast()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 2, "Window": "minute" },
            "month": { "PermitLimit": 2, "Window": "month" }
            """));

        await AdmitAsync(api, key, 2);
        using var refused = await api.GetAsync("/ok", key);

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MonthCode, 1010);
        Assert.Equal((30 + 86400).ToString(), Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task SlidingWindow_StillRefusesAtTheWindowEdge_WhereFixedAdmits()
    {
        var fixedKey = NewKey();
        var slidingKey = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Plans": {
                  "fixed": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } },
                  "sliding": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute", "Sliding": true } } }
                },
                "ApiKeys": [
                  { "Id": "fixed", "Hash": "{{Hash(fixedKey)}}", "Plan": "fixed" },
                  { "Id": "sliding", "Hash": "{{Hash(slidingKey)}}", "Plan": "sliding" }
                ]
              }
            }
            """);

        // 23:59:30: both use their ten.
        await AdmitAsync(api, fixedKey, 10);
        await AdmitAsync(api, slidingKey, 10);

        // 00:00:00: the fixed window starts afresh; the sliding one still counts all ten of the last minute.
        api.Time.Advance(TimeSpan.FromSeconds(30));
        using var fixedAtEdge = await api.GetAsync("/ok", fixedKey);
        using var slidingAtEdge = await api.GetAsync("/ok", slidingKey);
        Assert.Equal(HttpStatusCode.OK, fixedAtEdge.StatusCode);
        Assert.Equal("9", Header(fixedAtEdge, "X-RateLimit-Remaining"));
        await AssertProblemAsync(slidingAtEdge, HttpStatusCode.TooManyRequests, MinuteCode, 1008);

        // One more request fits once a tenth of the last minute has slid out: 6 s.
        Assert.Equal("6", Header(slidingAtEdge, "Retry-After"));
        api.Time.Advance(TimeSpan.FromSeconds(5));
        using var early = await api.GetAsync("/ok", slidingKey);
        await AssertProblemAsync(early, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
        api.Time.Advance(TimeSpan.FromSeconds(1));
        using var onTime = await api.GetAsync("/ok", slidingKey);
        Assert.Equal(HttpStatusCode.OK, onTime.StatusCode);
        Assert.Equal("0", Header(onTime, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task SlidingWindow_HalfWayIntoTheNextMinute_CountsHalfOfTheLast_EvenAfterIdleCountersAreSwept()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """ "minute": { "PermitLimit": 10, "Window": "minute", "Sliding": true } """));

        // 23:59:30: ten requests, then a minute of silence (the idle-counter sweep runs meanwhile).
        await AdmitAsync(api, key, 10);
        api.Time.Advance(TimeSpan.FromSeconds(60));

        // 00:00:30: half of the last minute's ten still count.
        await AdmitAsync(api, key, 5);
        using var refused = await api.GetAsync("/ok", key);
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, MinuteCode, 1008);
    }
}
