using ErrorCatalog;
using ErrorCatalog.Defaults;
using ErrorCatalog.Middleware;

// `dotnet run --project samples/QuickStart -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"));

// /openapi/v1.json lists, for each operation, the catalog errors it can answer, its rate-limit headers and the key scheme.
builder.Services.AddOpenApi(o => o.AddApiErrorCatalog());
var app = builder.Build();

// Keys, plans and limits from appsettings.json; every refusal is a catalog error with rate-limit headers. It needs
// the endpoint known: WebApplication routes first here; an app calling UseRouting() calls it before this line.
app.UseApiErrorCatalog();

// The framework's own answers in the catalog's shape too: an unhandled exception (500), an unknown path (404), a
// wrong method (405), an unsupported body (415) or one too large (413), each with its real status.
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapOpenApi(); // needs no key and counts against no key's limit

// A tiny FX-style API: every failure is a catalog error from errors.yaml, written as problem+json.
var rates = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { ["EUR-USD"] = 1.0842m, ["GBP-USD"] = 1.2710m };

app.MapGet("/", () => Results.Ok(new { name = "ErrorCatalog QuickStart", errors = "/errors", example = "/v1/rates/EUR-USD" }))
    .ApiKeyOptional().ExemptFromLimits();

app.MapGet("/v1/rates/{pair}", IResult (string pair) =>
{
    if (pair.Length != 7 || pair[3] != '-')
    {
        return ApiErrors.BadRequest($"'{pair}' is not a currency pair like EUR-USD.");
    }

    return rates.TryGetValue(pair, out var rate)
        ? Results.Ok(new { pair = pair.ToUpperInvariant(), rate })
        : ApiErrors.NotFound($"pair {pair.ToUpperInvariant()}");
});

// A feature of the pro plan only: other keys get 403 API_KEY_PLAN_NOT_AUTHORIZED.
app.MapGet("/v1/rates/{pair}/spread", IResult (string pair) =>
    rates.TryGetValue(pair, out var rate)
        ? Results.Ok(new { pair = pair.ToUpperInvariant(), bid = rate - 0.0001m, ask = rate + 0.0001m })
        : ApiErrors.NotFound($"pair {pair.ToUpperInvariant()}"))
    .RequirePlan("spread")
    .RequireScope("rates:read");

// The "Errors & rate limits" page from the catalog and the configuration above: /errors (HTML, or JSON when asked
// for in Accept), /errors.json, and /errors/{slug} per entry. No key needed, no quota spent.
app.MapErrorCatalogDocs();

// Any catalog entry by code, with its placeholders left out: shows each body and its headers.
app.MapGet("/v1/errors/{code}", IResult (string code, string? shape) =>
{
    if (ApiErrors.Catalog.Find(code) is not { } descriptor)
    {
        return ApiErrors.NotFound($"error code {code}");
    }

    if (shape is not null && !ApiErrors.Catalog.Shapes.ContainsKey(shape))
    {
        return ApiErrors.BadRequest($"unknown shape '{shape}'");
    }

    // Example values for the placeholders an entry declares; entries without them ignore them.
    var error = new ApiError(descriptor);
    error.TrySet("used", 10);
    error.TrySet("limit", 10);
    error.TrySet("retryAfter", TimeSpan.FromSeconds(42));
    return shape is null ? error : error.ToResult(ApiErrors.Catalog.GetShape(shape));
}).ApiKeyOptional().ExemptFromLimits();

// `dotnet run --project samples/QuickStart -- errorcatalog-docs <dir>` writes the page as static files and exits.
if (await app.TryExportErrorCatalogDocsAsync(args))
{
    return;
}

app.Run();

/// <summary>Visible to WebApplicationFactory.</summary>
public partial class Program;
