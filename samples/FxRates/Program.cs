using System.Globalization;
using System.Text.Json;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Mvc;
using FxRates;

// The FX-rates API's errors and limits, by configuration: errors.yaml (the flat body) and appsettings.json (keys,
// tiers, the per-minute limit and the monthly quota, X-RateLimit-* headers). Endpoints return data or ApiErrors.X(...).

// `dotnet run --project samples/FxRates -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = ApiErrors.Catalog);
builder.Services.Configure<FxRatesOptions>(builder.Configuration.GetSection("FxRates"));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton<RateBook>();
var app = builder.Build();

// The data's clock starts with the app (simulated outages are relative to it).
app.Services.GetRequiredService<RateBook>();

// Every error in the flat body: refusals, endpoint errors, an unknown path's 404, an unhandled exception's 500.
app.UseApiErrorCatalog();
app.UseExceptionHandler();
app.UseStatusCodePages();

var v1 = app.MapGroup("/v1");

v1.MapGet("/pairs", (RateBook book) => Results.Ok(new
{
    pairs = book.AllPairs.Select(p => new { pair = p, collector = RateBook.CollectorOf(p) }),
}));

// 503 when the pair's data is older than the freshness threshold (10 minutes), or than max_age seconds if given.
v1.MapGet("/rates/live", IResult (RateBook book, string? pair, [FromQuery(Name = "max_age")] string? maxAgeText) =>
{
    if (Query.Pair(pair) is { } badPair)
    {
        return ApiErrors.InvalidParameter(badPair);
    }

    if (Query.MaxAge(maxAgeText, book.FreshnessThreshold, out var maxAge) is { } badMaxAge)
    {
        return ApiErrors.InvalidParameter(badMaxAge);
    }

    var (rate, updatedAt) = book.Live(pair!);
    var age = book.Now - updatedAt;
    if (age > maxAge)
    {
        return ApiErrors.StaleData(pair!, age, maxAge, book.StaleRetryAfter);
    }

    return Results.Ok(new LiveRate(pair!, rate, updatedAt.UtcDateTime, (long)age.TotalSeconds));
});

v1.MapGet("/rates/historical", IResult (RateBook book, string? pair, string? date, string? interval) =>
{
    if (Query.Pair(pair) is { } badPair)
    {
        return ApiErrors.InvalidParameter(badPair);
    }

    if (Query.Date(date, out var day) is { } badDate)
    {
        return ApiErrors.InvalidParameter(badDate);
    }

    if (Query.Interval(interval, out var hourly) is { } badInterval)
    {
        return ApiErrors.InvalidParameter(badInterval);
    }

    var rates = book.History(pair!, day, hourly);
    if (rates.Count == 0)
    {
        return ApiErrors.NoData(pair!, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    return Results.Ok(new
    {
        pair,
        date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        interval = hourly ? "1h" : "1d",
        rates = rates.Select(r => new { timestamp = r.Timestamp.UtcDateTime, rate = r.Rate }),
    });
});

// Not on the free plan: 403 plan_upgrade_required.
v1.MapGet("/rates/spread", IResult (RateBook book, string? pair) =>
{
    if (Query.Pair(pair) is { } badPair)
    {
        return ApiErrors.InvalidParameter(badPair);
    }

    var (rate, updatedAt) = book.Live(pair!);
    var half = decimal.Round(rate * 0.00005m, 5);
    return Results.Ok(new { pair, bid = rate - half, ask = rate + half, timestamp = updatedAt.UtcDateTime });
}).RequirePlan("spread");

// The "Errors & Rate Limits" page from errors.yaml and appsettings.json: /errors (HTML), /errors.json, /errors/{slug}.
// No key needed, no key's quota spent; the bodies' type URIs keep pointing at moxiemetrx.com.
app.MapErrorCatalogDocs();

// Which collectors are down and which pairs are stale ("Call /v1/status to identify which collector is down").
v1.MapGet("/status", (RateBook book) =>
{
    var collectors = book.AllPairs.GroupBy(RateBook.CollectorOf).Select(g => new
    {
        name = g.Key,
        status = book.IsDown(g.Key, out _) ? "down" : "up",
        last_update = book.LastUpdate(g.Key).UtcDateTime,
        pairs = g.ToList(),
    }).ToList();
    var stale = book.AllPairs.Where(p => book.Now - book.Live(p).UpdatedAt > book.FreshnessThreshold).ToList();
    return Results.Ok(new
    {
        status = stale.Count == 0 ? "ok" : "degraded",
        freshness_threshold_seconds = (long)book.FreshnessThreshold.TotalSeconds,
        collectors,
        stale_pairs = stale,
    });
});

app.Run();
