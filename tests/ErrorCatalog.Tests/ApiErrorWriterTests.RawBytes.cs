using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

// One exact body per shape: the bytes a client sees, with a fixed request context.
public sealed partial class ApiErrorWriterTests
{
    private static readonly ApiError MinuteLimit = ApiErrors.ApiKeyPlanMinuteRateLimitReached(used: 10, limit: 10, retryAfter: TimeSpan.FromSeconds(42));

    /// <summary>Joins the lines of a raw literal: expected bodies are written one property per line.</summary>
    private static string OneLine(string lines) => lines.ReplaceLineEndings(string.Empty);

    [Fact]
    public void ProblemShape_WritesExactBytes()
    {
        var expected = OneLine("""
            {"type":"/errors/api-key-plan-minute-rate-limit-reached",
            "title":"You've exceeded your API Key's HTTP request rate limit.",
            "status":429,
            "detail":"You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute. Rate limits reset every minute.",
            "instance":"/v1/rates/EUR-USD",
            "code":"API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED",
            "numericCode":1008,
            "requestId":"0HN7REQ:00000001",
            "used":10,"limit":10,"retryAfter":42}
            """);

        Assert.Equal(expected, Text(ApiErrorWriter.GetBodyBytes(MinuteLimit, Fixed)));
    }

    [Fact]
    public void StatusShape_WritesExactBytes()
    {
        var expected = OneLine("""
            {"status":{"timestamp":"2025-03-01T12:34:56.789Z",
            "error_code":1008,
            "error_message":"You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute. Rate limits reset every minute.",
            "elapsed":12,
            "credit_count":3}}
            """);

        Assert.Equal(expected, Text(ApiErrorWriter.GetBodyBytes(MinuteLimit, Fixed, Shape("status"))));
    }

    [Fact]
    public void FlatShape_WritesExactBytes()
    {
        var error = ApiErrors.RateLimitExceeded(61, 60, TimeSpan.FromSeconds(30), "60/min", "https://example.test/pricing");
        var expected = OneLine("""
            {"error":"rate_limit_exceeded",
            "detail":"You have used 61/60 requests this minute",
            "retry_after_seconds":30,
            "tier":"pro",
            "tier_limit":"60/min",
            "upgrade_url":"https://example.test/pricing"}
            """);

        Assert.Equal(expected, Text(ApiErrorWriter.GetBodyBytes(error, Fixed, Shape("flat"))));
    }

    [Fact]
    public void EnvelopeShape_WritesExactBytes()
    {
        var expected = OneLine("""
            {"error":"Rate limit exceeded",
            "code":"RATE_LIMITED",
            "details":null,
            "meta":{"requestId":"0HN7REQ:00000001","timestamp":"2025-03-01T12:34:56.789Z"}}
            """);

        Assert.Equal(expected, Text(ApiErrorWriter.GetBodyBytes(ApiErrors.RateLimited(TimeSpan.FromSeconds(5)), Fixed, Shape("envelope"))));
    }
}
