using System.Text.Json;
using CoinMarketCap;
using ErrorCatalog.Middleware;

// The CoinMarketCap Pro API's errors and limits, by configuration: errors.yaml (codes 1001-1011, the status
// object) and appsettings.json (keys, plans, limits). Endpoints return data or ApiErrors.X(...), nothing else.

// `dotnet run --project samples/CoinMarketCap -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = ApiErrors.Catalog);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton<Market>();
var app = builder.Build();

// The key, plan and limits first, so that a 500 answered by the exception handler inside it still carries the
// request's elapsed time and credit count; bare statuses (an unknown path's 404) answer from the catalog too.
app.UseApiErrorCatalog();
app.UseExceptionHandler();
app.UseStatusCodePages();

// Every success in the status envelope: { "status": { "error_code": 0, "error_message": null, ... }, "data": ... }.
var v1 = app.MapGroup("/v1").WithSuccessShape(ApiErrors.Shapes.StatusOk);

var cryptocurrency = v1.MapGroup("/cryptocurrency");

cryptocurrency.MapGet("/listings/latest", IResult (Market market, string? start, string? limit) =>
{
    if (Arguments.Integer("start", start, 1, int.MaxValue, out var first, 1) is { } badStart)
    {
        return ApiErrors.BadRequest(badStart);
    }

    if (Arguments.Integer("limit", limit, 1, 5000, out var count, 100) is { } badLimit)
    {
        return ApiErrors.BadRequest(badLimit);
    }

    return Results.Ok(market.All.Skip(first - 1).Take(count).Select(market.Latest).ToList());
});

cryptocurrency.MapGet("/quotes/latest", IResult (Market market, string? symbol, string? id) =>
    Arguments.Coins(symbol, id, out var coins) is { } bad
        ? ApiErrors.BadRequest(bad)
        : Results.Ok(coins.ToDictionary(c => symbol is null ? c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : c.Symbol, market.Latest)));

// Not on the free plan: 1006 for its keys.
cryptocurrency.MapGet("/quotes/historical", IResult (Market market, string? symbol, string? id, string? count) =>
{
    if (Arguments.Coins(symbol, id, out var coins) is { } badCoins)
    {
        return ApiErrors.BadRequest(badCoins);
    }

    if (Arguments.Integer("count", count, 1, 30, out var days, 10) is { } badCount)
    {
        return ApiErrors.BadRequest(badCount);
    }

    return Results.Ok(market.History(coins[0], days));
}).RequirePlan("historical").WithCredits(5);

// Keys are optional here: anyone may read the latest totals, but the historical ones need a key (1005 without one)
// whose plan includes them (1006 for a free key).
var globalMetrics = v1.MapGroup("/global-metrics").ApiKeyOptional();
globalMetrics.MapGet("/quotes/latest", (Market market) => Results.Ok(market.Global()));
// count is typed: "count=abc" is refused by the framework before the endpoint runs (400, free: credit_count 0), while
// "count=0" is the endpoint's own 400 (charged: it ran). The sample's totals do not move: one quote per interval.
globalMetrics.MapGet("/quotes/historical", IResult (Market market, int? count) =>
    count is < 1 or > 30
        ? ApiErrors.BadRequest("\"count\" must be between 1 and 30")
        : Results.Ok(Enumerable.Repeat(market.Global(), count ?? 1).ToList())).RequirePlan("historical");

// The "Errors & rate limits" page from errors.yaml and appsettings.json: /errors (HTML), /errors.json, /errors/{slug}.
// No key needed, no key's quota spent; the bodies' type URIs keep pointing at coinmarketcap.com (the export publishes there).
app.MapErrorCatalogDocs();

// A deliberately broken endpoint: the unhandled exception is answered 500 in the same status object.
v1.MapGet("/tools/broken", IResult () => throw new InvalidOperationException("This endpoint always fails (sample)."));

app.Run();
