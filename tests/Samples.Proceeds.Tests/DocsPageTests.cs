using System.Globalization;
using ErrorCatalog.Testing;

namespace Samples.Proceeds.Tests;

/// <summary>
/// The sample's served "Errors &amp; rate limits" page (<c>/errors</c>) states every fact of the Proceeds REST API's
/// "Errors &amp; rate limits" page (../shared/seeds 003) that the sample reproduces.
/// </summary>
public sealed class DocsPageTests
{
    // "Error codes": every code with its typical status, and the status's name.
    private static readonly (string Code, int Status, string Name)[] ErrorCodes =
    [
        ("INVALID_API_KEY", 401, "Unauthorized"),
        ("KEY_REVOKED", 401, "Unauthorized"),
        ("KEY_EXPIRED", 401, "Unauthorized"),
        ("KEY_INACTIVE", 401, "Unauthorized"),
        ("INSUFFICIENT_SCOPE", 403, "Forbidden"),
        ("IP_NOT_ALLOWED", 403, "Forbidden"),
        ("FORBIDDEN", 403, "Forbidden"),
        ("NOT_FOUND", 404, "Not Found"),
        ("VALIDATION_ERROR", 400, "Bad Request"),
        ("CONFLICT", 409, "Conflict"),
        ("RATE_LIMITED", 429, "Too Many Requests"),
        ("KEY_LIMIT_REACHED", 403, "Forbidden"),
        ("SSRF_BLOCKED", 400, "Bad Request"),
        ("ALREADY_REVOKED", 409, "Conflict"),
        ("INVALID_WALLET", 400, "Bad Request"),
        ("INVALID_SERVICE", 400, "Bad Request"),
        ("BETA_LIMIT_PAYWALLS", 403, "Forbidden"),
        ("BETA_LIMIT_SERVICES", 403, "Forbidden"),
        ("INTERNAL_ERROR", 500, "Internal Server Error"),
        ("DATABASE_ERROR", 500, "Internal Server Error"),
    ];

    // "HTTP status codes": the meanings the vendor words as an entry's message, with that entry; and "Error shape":
    // the example's error message. The 401's and 403's meanings list their codes (above) and titles (below).
    private static readonly (string Code, string Message)[] Messages =
    [
        ("VALIDATION_ERROR", "Request validation failed"),
        ("INVALID_API_KEY", "Valid API key required"),
        ("INSUFFICIENT_SCOPE", "Insufficient scope"),
        ("IP_NOT_ALLOWED", "IP not allowed"),
        ("NOT_FOUND", "Resource not found"),
        ("CONFLICT", "Conflict"),
        ("RATE_LIMITED", "Rate limit exceeded"),
        ("SERVICE_UNAVAILABLE", "A dependency check failed"),
    ];

    // "Error shape": every field of the body, as the page's example writes them.
    private static readonly string[] BodyFields = ["\"error\": ", "\"code\": ", "\"details\": null", "\"meta\": {", "\"requestId\": ", "\"timestamp\": \"2026-01-01T00:00:00.000Z\""];

    [Fact]
    public async Task ServedPage_StatesEveryCodeStatusMessageLimitAndHeaderOfTheVendorsPage()
    {
        await using var api = new ProceedsFactory();

        var page = await DocsPageText.ReadAsync(api.Client);

        foreach (var (code, status, name) in ErrorCodes)
        {
            page.Contains($"{code} {status} {name}");
            page.EntryContains(code, $"Status {status} {name}", $"\"code\": \"{code}\"");
        }

        page.EntryContains("SERVICE_UNAVAILABLE", "Status 503 Service Unavailable");
        foreach (var (code, message) in Messages)
        {
            page.EntryContains(code, message);
        }

        page.EntryContains("INVALID_API_KEY", BodyFields);
        page.EntryContains("INVALID_API_KEY", "\"error\": \"Valid API key required\", \"code\": \"INVALID_API_KEY\"");

        // "Rate limits": 1000 requests per 60-second window for each key (the page writes 1,000 and a minute), answered
        // 429 Too Many Requests with Retry-After, whose seconds to wait before retrying.
        page.Contains(string.Create(CultureInfo.InvariantCulture, $"{1000:N0} requests minute each key RATE_LIMITED"));
        page.EntryContains("RATE_LIMITED", "Status 429 Too Many Requests", "Retry-After: ", "\"error\": \"Rate limit exceeded\", \"code\": \"RATE_LIMITED\"");
        page.Contains("Retry-After On a 429 refusal");
        page.Contains("On 429 , wait the seconds of Retry-After before the next request, then retry.");
    }
}
