using ErrorCatalog.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

public sealed class ApiErrorTests
{
    [Fact]
    public void ToProblemDetails_WritesStandardFieldsAndExtensions()
    {
        var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(used: 10, limit: 12, retryAfter: TimeSpan.FromSeconds(41.5));

        var problem = error.ToProblemDetails(Fixed);

        Assert.Equal("/errors/api-key-plan-minute-rate-limit-reached", problem.Type);
        Assert.Equal("You've exceeded your API Key's HTTP request rate limit.", problem.Title);
        Assert.Equal(429, problem.Status);
        Assert.Equal(
            "You've exceeded your API Key's HTTP request rate limit: 10 of 12 requests this minute. Rate limits reset every minute.",
            problem.Detail);
        Assert.Equal("/v1/rates/EUR-USD", problem.Instance);
        Assert.Equal(["code", "numericCode", "requestId", "used", "limit", "retryAfter"], problem.Extensions.Keys);
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", Assert.IsType<string>(problem.Extensions["code"]));
        Assert.Equal(1008, Assert.IsType<int>(problem.Extensions["numericCode"]));
        Assert.Equal("0HN7REQ:00000001", Assert.IsType<string>(problem.Extensions["requestId"]));
        Assert.Equal(10L, Assert.IsType<long>(problem.Extensions["used"]));
        Assert.Equal(12L, Assert.IsType<long>(problem.Extensions["limit"]));
        Assert.Equal(42L, Assert.IsType<long>(problem.Extensions["retryAfter"]));
    }

    [Fact]
    public void ToProblemDetailsWithoutContext_LeavesRequestFieldsOut()
    {
        var problem = ApiErrors.NotFound("pair XYZ-ABC").ToProblemDetails();

        Assert.Null(problem.Instance);
        Assert.Equal("No data for pair XYZ-ABC.", problem.Detail);
        Assert.Equal(["code", "resource"], problem.Extensions.Keys);
        Assert.Equal("pair XYZ-ABC", Assert.IsType<string>(problem.Extensions["resource"]));
    }

    [Fact]
    public void ToProblemDetails_TimestampIntUnixTimeAndBool_KeepTheirTypes()
    {
        var expiredAt = new DateTimeOffset(2025, 2, 28, 23, 0, 0, TimeSpan.FromHours(-2));
        var quota = new ApiError(TestCatalog.Quota);
        quota.Set(0, 7);
        quota.Set(1, DateTimeOffset.FromUnixTimeSeconds(1_740_000_000));
        quota.Set(2, false);

        var expired = ApiErrors.KeyExpired(expiredAt).ToProblemDetails(Fixed);
        var problem = quota.ToProblemDetails(Fixed);

        Assert.Equal(expiredAt, Assert.IsType<DateTimeOffset>(expired.Extensions["expiredAt"]));
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)expired.Extensions["expiredAt"]!).Offset);
        Assert.Equal("This API key expired at 2025-03-01T01:00:00.000Z.", expired.Detail);
        Assert.Equal(7, Assert.IsType<int>(problem.Extensions["count"]));
        Assert.Equal(1_740_000_000L, Assert.IsType<long>(problem.Extensions["resetAt"]));
        Assert.False(Assert.IsType<bool>(problem.Extensions["overage"]));
        Assert.Equal(42, Assert.IsType<int>(problem.Extensions["numericCode"]));
    }

    [Fact]
    public void ToProblemDetailsFromHttpContext_UsesTraceIdentifierAndPath()
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        context.Request.Path = "/v1/things";

        var problem = ApiErrors.Conflict("exists").ToProblemDetails(context);

        Assert.Equal("/v1/things", problem.Instance);
        Assert.Equal("trace-1", problem.Extensions["requestId"]);
        Assert.Equal("exists", problem.Detail);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5_000, 0)]
    [InlineData(1, 1)]
    [InlineData(41_001, 42)]
    [InlineData(42_000, 42)]
    public void ToWholeSeconds_RoundsUpAndNeverNegative(int milliseconds, long expected) =>
        Assert.Equal(expected, ApiError.ToWholeSeconds(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void TrySet_UnknownName_ReturnsFalseAndSetsNothing()
    {
        var error = new ApiError(ApiErrors.Descriptors.RateLimited);

        Assert.False(error.TrySet("used", 10));
        Assert.True(error.TrySet("retryAfter", TimeSpan.FromSeconds(3)));
        Assert.True(error.IsSet(0));
        Assert.Equal(3, error[0].Number);
    }

    [Fact]
    public void Set_IndexOutOfRange_Throws()
    {
        var error = new ApiError(ApiErrors.Descriptors.RateLimited);

        Assert.Throws<ArgumentOutOfRangeException>(() => error.Set(1, 5L));
    }
}
