using ErrorCatalog.Testing;

namespace Samples.CoinMarketCap.Tests;

/// <summary>
/// The sample's served "Errors &amp; rate limits" page (<c>/errors</c>) states every fact of the vendor's page that the
/// sample reproduces: CoinMarketCap's "API Request Throttling" page in the wording errors.yaml follows
/// (../shared/seeds 001: "Please go to …", "Please contact support.", "Rate limits reset every minute.").
/// </summary>
public sealed class DocsPageTests
{
    // "HTTP Status Codes": each status with the name the vendor gives it.
    private static readonly (int Status, string Name)[] Statuses =
    [
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (402, "Payment Required"),
        (403, "Forbidden"),
        (429, "Too Many Requests"),
        (500, "Internal Server Error"),
    ];

    // "Error Response Codes": HTTP status, numeric error_code, code, error_message, word for word.
    private static readonly (int Status, int Number, string Code, string Message)[] ErrorCodes =
    [
        (401, 1001, "API_KEY_INVALID", "This API Key is invalid."),
        (401, 1002, "API_KEY_MISSING", "API key missing."),
        (402, 1003, "API_KEY_PLAN_REQUIRES_PAYEMENT", "Your API Key must be activated. Please go to pro.coinmarketcap.com/account/plan."),
        (402, 1004, "API_KEY_PLAN_PAYMENT_EXPIRED", "Your API Key's subscription plan has expired."),
        (403, 1005, "API_KEY_REQUIRED", "An API Key is required for this call."),
        (403, 1006, "API_KEY_PLAN_NOT_AUTHORIZED", "Your API Key subscription plan doesn't support this endpoint."),
        (403, 1007, "API_KEY_DISABLED", "This API Key has been disabled. Please contact support."),
        (429, 1008, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", "You've exceeded your API Key's HTTP request rate limit. Rate limits reset every minute."),
        (429, 1009, "API_KEY_PLAN_DAILY_RATE_LIMIT_REACHED", "You've exceeded your API Key's daily rate limit."),
        (429, 1010, "API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED", "You've exceeded your API Key's monthly rate limit."),
        (429, 1011, "IP_RATE_LIMIT_REACHED", "You've hit an IP rate limit."),
    ];

    // The limits the page names ("within the same minute", "the day/month" credit limit, an IP rate limit), each with
    // the code that answers it: the page's words for the window and what it counts, then the code.
    private static readonly string[] Limits =
    [
        "requests minute each key API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED",
        "credits day each key API_KEY_PLAN_DAILY_RATE_LIMIT_REACHED",
        "credits month (resets 00:00 UTC on the 1st) each key API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED",
        "Every client IP address, with or without a key: 300 req/minute per IP address, refused with IP_RATE_LIMIT_REACHED",
    ];

    [Fact]
    public async Task ServedPage_StatesEveryStatusCodeMessageAndLimitOfTheVendorsPage()
    {
        await using var api = new CoinMarketCapHost();

        var page = await DocsPageText.ReadAsync(api.Client);

        foreach (var (status, name) in Statuses)
        {
            page.Contains($"{status} {name}");
        }

        // "500 (Internal Server Error) An unexpected server issue was encountered."
        page.EntryContains("INTERNAL_SERVER_ERROR", "Status 500 Internal Server Error", "An unexpected server issue was encountered.");

        foreach (var (status, number, code, message) in ErrorCodes)
        {
            var name = Statuses.Single(s => s.Status == status).Name;
            page.Contains($"{code} {number} {status} {name} {message}");
            page.EntryContains(code, $"Status {status} {name}", $"Numeric code {number}", $"\"error_code\": {number}", $"\"error_message\": \"{message}\"");
        }

        foreach (var limit in Limits)
        {
            page.Contains(limit);
        }

        // The 429 "Too Many Requests" throttling error, and the retry that follows from it.
        page.Contains("On 429 , wait the seconds of Retry-After before the next request, then retry.");
    }
}
