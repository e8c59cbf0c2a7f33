using ErrorCatalog.Testing;

namespace Samples.FxRates.Tests;

/// <summary>
/// The sample's served "Errors &amp; rate limits" page (<c>/errors</c>) states every fact of the FX-rates API's
/// "Errors &amp; Rate Limits" page (../shared/seeds 002) that the sample reproduces.
/// </summary>
public sealed class DocsPageTests
{
    // "HTTP status codes": code, name, the code that answers it, its cause and action in the vendor's words (the
    // cause as far as the entry words it: the 401's "Missing or invalid X-API-Key header" is two entries, the 404's
    // "No data for the requested date or pair" reads "No data for {pair} on {date}.").
    private static readonly (int Status, string Name, string Code, string Cause, string Action)[] Statuses =
    [
        (400, "Bad Request", "invalid_parameter", "Invalid parameter", "Fix the request before retrying"),
        (401, "Unauthorized", "missing_api_key", "Missing X-API-Key header", "Check your key is correct and included"),
        (401, "Unauthorized", "invalid_api_key", "Invalid X-API-Key header", "Check your key is correct and included"),
        (403, "Forbidden", "plan_upgrade_required", "Endpoint not available on your plan", "Upgrade your plan"),
        (404, "Not Found", "no_data", "No data for", "Try a different date or check /v1/pairs"),
        (429, "Too Many Requests", "rate_limit_exceeded", "Rate limit exceeded", "Back off and retry after X-RateLimit-Reset"),
        (429, "Too Many Requests", "monthly_quota_exceeded", "Monthly quota exceeded", "Upgrade your plan to continue"),
        (503, "Service Unavailable", "stale_data", "beyond the freshness threshold", "Check /v1/status and retry in 60 seconds"),
    ];

    // "Error response format": the page's example body, field for field and value for value.
    private const string ExampleBody = """
        {
        "error": "rate_limit_exceeded",
        "detail": "You have used 10/10 requests this minute",
        "retry_after_seconds": 42,
        "tier": "free",
        "tier_limit": "10 req/min",
        "upgrade_url": "https://moxiemetrx.com/pricing"
        }
        """;

    // "Rate limit headers", on every response regardless of status, and Retry-After on a 429.
    private static readonly string[] Headers = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"];

    // "Rate limits vs monthly quotas": the free tier's 10 req/min (its example), resetting every minute, and a monthly
    // quota resetting on the first of each calendar month (UTC), each with its code; spread is not on Free.
    private static readonly string[] Limits =
    [
        "free minute 10 requests minute each key rate_limit_exceeded",
        "requests month (resets 00:00 UTC on the 1st) each key monthly_quota_exceeded",
        "A monthly quota resets at 00:00 UTC on the 1st of the month",
        "pro features: spread",
        "/v1/rates/spread GET spread",
    ];

    [Fact]
    public async Task ServedPage_StatesEveryStatusCodeMessageLimitAndHeaderOfTheVendorsPage()
    {
        await using var api = new FxRatesHost();

        var page = await DocsPageText.ReadAsync(api.Client);

        foreach (var (status, name, code, cause, action) in Statuses)
        {
            page.Contains($"{code} {status} {name}");
            page.EntryContains(code, $"Status {status} {name}", cause, action);
        }

        page.EntryContains("rate_limit_exceeded", "Retry-After: 42", ExampleBody);
        page.EntryContains("monthly_quota_exceeded", "\"error\": \"monthly_quota_exceeded\"");
        foreach (var header in Headers)
        {
            page.Contains(header);
        }

        page.Contains("X-RateLimit-Reset When that window resets, in unix seconds (UTC).");
        page.Contains("Every counted response, success or refusal, carries these headers:");
        foreach (var limit in Limits)
        {
            page.Contains(limit);
        }

        // "Retry with exponential backoff": Retry-After on a 429, backoff on a 503; max_age relaxes the threshold.
        page.Contains("On 429 , wait the seconds of Retry-After before the next request, then retry.");
        page.Contains("On 503 , retry with exponential backoff");
        page.EntryContains("stale_data", "max_age to /v1/rates/live");
    }
}
