using System.Text.Json;
using ErrorCatalog.Tests.Fakes;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

// Each shape, field by field.
public sealed partial class ApiErrorWriterTests
{
    private static BodyShape Shape(string name) => ApiErrors.Catalog.GetShape(name);

    [Fact]
    public void ProblemWithNumericCode_WritesEveryFieldAndPlaceholder()
    {
        var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(used: 10, limit: 12, retryAfter: TimeSpan.FromSeconds(41.2));

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed));

        Assert.Equal(["type", "title", "status", "detail", "instance", "code", "numericCode", "requestId", "used", "limit", "retryAfter"], Names(body));
        Assert.Equal("/errors/api-key-plan-minute-rate-limit-reached", body.GetProperty("type").GetString());
        Assert.Equal("You've exceeded your API Key's HTTP request rate limit.", body.GetProperty("title").GetString());
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        Assert.Equal(
            "You've exceeded your API Key's HTTP request rate limit: 10 of 12 requests this minute. Rate limits reset every minute.",
            body.GetProperty("detail").GetString());
        Assert.Equal("/v1/rates/EUR-USD", body.GetProperty("instance").GetString());
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", body.GetProperty("code").GetString());
        Assert.Equal(1008, body.GetProperty("numericCode").GetInt32());
        Assert.Equal("0HN7REQ:00000001", body.GetProperty("requestId").GetString());
        Assert.Equal(10, body.GetProperty("used").GetInt64());
        Assert.Equal(12, body.GetProperty("limit").GetInt64());
        Assert.Equal(42, body.GetProperty("retryAfter").GetInt64()); // 41.2 s rounded up
    }

    [Fact]
    public void ProblemWithoutNumericCodeOrRequest_LeavesThoseFieldsOut()
    {
        var error = ApiErrors.NotFound("pair XYZ-ABC");

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, default));

        Assert.Equal(["type", "title", "status", "detail", "code", "resource"], Names(body));
        Assert.Equal("No data for pair XYZ-ABC.", body.GetProperty("detail").GetString());
        Assert.Equal("pair XYZ-ABC", body.GetProperty("resource").GetString());
    }

    [Fact]
    public void ProblemWithoutDetailTemplate_UsesTheTitle()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.ApiKeyInvalid(), Fixed));

        Assert.Equal("This API Key is invalid.", body.GetProperty("detail").GetString());
        Assert.Equal(1001, body.GetProperty("numericCode").GetInt32());
    }

    [Fact]
    public void ProblemWithTimestampPlaceholder_WritesIsoUtcWithMilliseconds()
    {
        var expiredAt = new DateTimeOffset(2025, 2, 28, 23, 0, 0, 5, TimeSpan.FromHours(-2));

        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.KeyExpired(expiredAt), Fixed));

        Assert.Equal("2025-03-01T01:00:00.005Z", body.GetProperty("expiredAt").GetString());
        Assert.Equal("This API key expired at 2025-03-01T01:00:00.005Z.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public void ProblemWithIntUnixTimeAndBoolPlaceholders_WritesNumbersAndBooleans()
    {
        var error = new ApiError(TestCatalog.Quota);
        error.Set(0, 7);
        error.Set(1, DateTimeOffset.FromUnixTimeSeconds(1_740_000_000));
        error.Set(2, true);

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed));

        Assert.Equal(7, body.GetProperty("count").GetInt32());
        Assert.Equal(1_740_000_000, body.GetProperty("resetAt").GetInt64());
        Assert.True(body.GetProperty("overage").GetBoolean());
        Assert.Equal("Used 7 until 1740000000", body.GetProperty("detail").GetString());
    }

    [Fact]
    public void ProblemWithPlaceholderNotSet_LeavesItOutOfBodyAndDetail()
    {
        var error = new ApiError(ApiErrors.Descriptors.ApiKeyPlanMinuteRateLimitReached);
        error.TrySet("used", 10);

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed));

        Assert.False(body.TryGetProperty("limit", out _));
        Assert.False(body.TryGetProperty("retryAfter", out _));
        Assert.StartsWith("You've exceeded your API Key's HTTP request rate limit: 10 of  requests", body.GetProperty("detail").GetString());
    }

    [Fact]
    public void StatusShape_WritesTheStatusObject()
    {
        var error = ApiErrors.ApiKeyPlanDailyRateLimitReached(used: 5000, limit: 5000, retryAfter: TimeSpan.FromHours(3));

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed, Shape("status")));

        Assert.Equal(["status"], Names(body));
        var status = body.GetProperty("status");
        Assert.Equal(["timestamp", "error_code", "error_message", "elapsed", "credit_count"], Names(status));
        Assert.Equal("2025-03-01T12:34:56.789Z", status.GetProperty("timestamp").GetString());
        Assert.Equal(1009, status.GetProperty("error_code").GetInt32());
        Assert.Equal("You've exceeded your API Key's daily rate limit: 5000 of 5000 requests today.", status.GetProperty("error_message").GetString());
        Assert.Equal(12, status.GetProperty("elapsed").GetInt64());
        Assert.Equal(3, status.GetProperty("credit_count").GetInt64());
    }

    [Fact]
    public void StatusShapeWithoutNumericCodeOrElapsed_LeavesThemOut()
    {
        var context = Fixed with { ElapsedMilliseconds = null, CreditCount = 0, Timestamp = new DateTimeOffset(2025, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)) };

        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.RateLimited(TimeSpan.FromSeconds(1)), context, Shape("status")));

        var status = body.GetProperty("status");
        Assert.Equal(["timestamp", "error_message", "credit_count"], Names(status));
        Assert.Equal("2025-03-01T12:00:00.000Z", status.GetProperty("timestamp").GetString());
        Assert.Equal("Rate limit exceeded", status.GetProperty("error_message").GetString());
        Assert.Equal(0, status.GetProperty("credit_count").GetInt64());
    }

    [Fact]
    public void FlatShape_WritesTierAndStringPlaceholders()
    {
        var error = ApiErrors.RateLimitExceeded(61, 60, TimeSpan.FromMilliseconds(29_001), "60/min", "https://example.test/pricing");

        var body = Parse(ApiErrorWriter.GetBodyBytes(error, Fixed, Shape("flat")));

        Assert.Equal(["error", "detail", "retry_after_seconds", "tier", "tier_limit", "upgrade_url"], Names(body));
        Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetString());
        Assert.Equal("You have used 61/60 requests this minute", body.GetProperty("detail").GetString());
        Assert.Equal(30, body.GetProperty("retry_after_seconds").GetInt64());
        Assert.Equal("pro", body.GetProperty("tier").GetString());
        Assert.Equal("60/min", body.GetProperty("tier_limit").GetString());
        Assert.Equal("https://example.test/pricing", body.GetProperty("upgrade_url").GetString());
    }

    [Fact]
    public void FlatShapeForEntryWithoutThosePlaceholders_WritesOnlyWhatItHas()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.BadRequest("bad pair"), Fixed with { Plan = null }, Shape("flat")));

        Assert.Equal(["error", "detail"], Names(body));
        Assert.Equal("The server could not process the request: bad pair", body.GetProperty("detail").GetString());
    }

    [Fact]
    public void EnvelopeShape_WritesTitleCodeNullDetailsAndMeta()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.InsufficientScope("payments:write"), Fixed, Shape("envelope")));

        Assert.Equal(["error", "code", "details", "meta"], Names(body));
        Assert.Equal("The API key lacks a required scope", body.GetProperty("error").GetString());
        Assert.Equal("INSUFFICIENT_SCOPE", body.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("details").ValueKind);
        var meta = body.GetProperty("meta");
        Assert.Equal("0HN7REQ:00000001", meta.GetProperty("requestId").GetString());
        Assert.Equal("2025-03-01T12:34:56.789Z", meta.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void EnvelopeShapeWithoutRequestContext_WritesEmptyMeta()
    {
        var body = Parse(ApiErrorWriter.GetBodyBytes(ApiErrors.Conflict("exists"), default, Shape("envelope")));

        Assert.Empty(Names(body.GetProperty("meta")));
    }

    [Fact]
    public void WriteBody_IntoCallersWriter_MatchesGetBodyBytes()
    {
        var error = ApiErrors.StaleData("EUR-USD", TimeSpan.FromSeconds(90.5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            ApiErrorWriter.WriteBody(writer, error, Fixed);
        }

        Assert.Equal(ApiErrorWriter.GetBodyBytes(error, Fixed), stream.ToArray());
        Assert.Equal(
            "The newest data for EUR-USD is 91 seconds old; the threshold is 60 seconds.",
            Parse(stream.ToArray()).GetProperty("detail").GetString());
    }
}
