using System.Net;
using static Samples.CoinMarketCap.Tests.CoinMarketCapHost;

namespace Samples.CoinMarketCap.Tests;

/// <summary>
/// The general error types in the same status object, their HTTP status as error_code: 400 for an invalid argument,
/// 404 for an unknown path, 500 for an unhandled exception.
/// </summary>
public sealed class ErrorResponseTests
{
    [Theory]
    [InlineData("/v1/cryptocurrency/quotes/latest?symbol=", "\"symbol\" is not allowed to be empty")]
    [InlineData("/v1/cryptocurrency/quotes/latest?symbol=NOTACOIN", "Invalid value for \"symbol\": \"NOTACOIN\"")]
    [InlineData("/v1/cryptocurrency/quotes/latest?symbol=BTC,B$C", "Invalid value for \"symbol\": \"B$C\"")]
    [InlineData("/v1/cryptocurrency/quotes/latest?id=abc", "Invalid value for \"id\": \"abc\"")]
    [InlineData("/v1/cryptocurrency/quotes/latest", "\"value\" must contain at least one of [id, symbol, slug]")]
    [InlineData("/v1/cryptocurrency/quotes/latest?symbol=BTC&id=1", "\"value\" contains a conflict between exclusive peers [id, symbol, slug]")]
    [InlineData("/v1/cryptocurrency/listings/latest?limit=0", "\"limit\" must be greater than or equal to 1")]
    [InlineData("/v1/cryptocurrency/listings/latest?limit=5001", "\"limit\" must be less than or equal to 5000")]
    [InlineData("/v1/cryptocurrency/listings/latest?start=abc", "\"start\" must be a number")]
    public async Task InvalidArgument_Returns400_ErrorCode400_WithTheReason(string path, string message)
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync(path, FreeKey);

        // The call was admitted and charged before the endpoint rejected its argument.
        answer.AssertError(HttpStatusCode.BadRequest, 400, message, api.Now, creditCount: 1);
    }

    [Fact]
    public async Task UnhandledException_Returns500_InTheStatusObject_WithoutTheExceptionMessage()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/tools/broken", FreeKey);

        answer.AssertError(HttpStatusCode.InternalServerError, 500, "An unexpected server issue was encountered.", api.Now, creditCount: 1);
        Assert.DoesNotContain("always fails", answer.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhandledException_CarriesTheRateLimitHeadersTheExceptionHandlerCleared()
    {
        await using var api = new CoinMarketCapHost(DefaultStart, new Dictionary<string, string?> { ["ApiErrorCatalog:Headers"] = "XRateLimit" });

        var answer = await api.GetAsync("/v1/tools/broken", FreeKey);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("30", answer.Header("X-RateLimit-Limit"));
        Assert.Equal("29", answer.Header("X-RateLimit-Remaining"));
    }

    [Theory]
    [InlineData("POST", "/v1/cryptocurrency/listings/latest", 405, "Method Not Allowed")]
    [InlineData("DELETE", "/v1/cryptocurrency/quotes/latest?symbol=BTC", 405, "Method Not Allowed")]
    public async Task FrameworkStatus_AnswersTheStatusObject_WithTheHttpStatusAsErrorCode(string method, string path, int status, string message)
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.SendAsync(new HttpMethod(method), path, FreeKey);

        // "otherwise the HTTP status code for the general error type is returned", in the status object as always.
        Assert.Equal((HttpStatusCode)status, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        Assert.Equal(["status"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["timestamp", "error_code", "error_message", "elapsed", "credit_count"], answer.StatusObject.EnumerateObject().Select(p => p.Name));
        Assert.Equal(status, answer.StatusObject.GetProperty("error_code").GetInt32());
        Assert.Equal(message, answer.StatusObject.GetProperty("error_message").GetString());
        Assert.Equal(api.Now, answer.StatusObject.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task UnknownPath_WithAKey_Returns404_ErrorCode404()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/cryptocurrency/nothing-here", FreeKey);

        answer.AssertError(HttpStatusCode.NotFound, 404, "The requested endpoint was not found.", api.Now, creditCount: 0);
    }

    [Fact]
    public async Task UnknownPath_WithoutAKey_Returns401_1002()
    {
        await using var api = new CoinMarketCapHost();

        var answer = await api.GetAsync("/v1/cryptocurrency/nothing-here");

        answer.AssertError(HttpStatusCode.Unauthorized, 1002, "API key missing.", api.Now);
    }
}
