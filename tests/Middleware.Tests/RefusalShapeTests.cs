using System.Net;
using Microsoft.AspNetCore.Builder;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Limit refusals written in the documented bodies of the seed APIs (endpoint shapes, limit error codes).</summary>
public sealed class RefusalShapeTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "UpgradeUrl": "https://example.com/pricing",
            "Plans": { "free": { "Limits": {
              "minute": { "PermitLimit": 10, "Window": "minute", "Error": "rate_limit_exceeded" },
              "month": { "PermitLimit": 1000, "Window": "month", "Error": "monthly_quota_exceeded" }
            } } },
            "ApiKeys": [ { "Id": "fx-key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    private static void Map(WebApplication app)
    {
        app.MapGet("/fx", () => "fx").WithErrorShape("flat");
        app.MapGet("/cmc", () => "cmc").WithErrorShape("status");
        app.MapGet("/pay", () => "pay").WithErrorShape("envelope");
    }

    [Fact]
    public async Task MinuteLimitWithTheFxCode_OnAFlatEndpoint_WritesTheFxBody()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), Map);

        for (var i = 0; i < 10; i++)
        {
            using var ok = await api.GetAsync("/fx", key);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await api.GetAsync("/fx", key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("30", Header(refused, "Retry-After"));
        Assert.Equal(
            """{"error":"rate_limit_exceeded","detail":"You have used 10/10 requests this minute","retry_after_seconds":30,"tier":"free","tier_limit":"10 req/minute","upgrade_url":"https://example.com/pricing"}""",
            await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StatusShape_CarriesTheNumericCodeAndTheClocksTimestamp()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), Map);

        using var missing = await api.GetAsync("/cmc");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(
            """{"status":{"timestamp":"2024-02-28T23:59:30.000Z","error_code":1002,"error_message":"API key missing. Send it in the X-API-Key header.","elapsed":0,"credit_count":0}}""",
            await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EnvelopeShape_CarriesTheRequestIdOfTheLogLine()
    {
        await using var api = await StartAsync(Config(NewKey()), Map);

        using var invalid = await api.GetAsync("/pay", NewKey());

        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        var body = await ReadJsonAsync(invalid);
        Assert.Equal("API_KEY_INVALID", body.GetProperty("code").GetString());
        Assert.Equal("This API Key is invalid.", body.GetProperty("error").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("details").ValueKind);
        var requestId = body.GetProperty("meta").GetProperty("requestId").GetString()!;
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Category == "ErrorCatalog.Middleware.RefusalResponder" && r.Message.Contains(requestId, StringComparison.Ordinal));
    }
}
