using System.Security.Claims;
using ErrorCatalog;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Proceeds;
using Proceeds.Health;
using Proceeds.Paywalls;

// `dotnet run --project samples/Proceeds -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);

// Request ids like the page's req_…: set when the request starts, so the log scope, the refusal log line and
// meta.requestId carry the same id.
builder.Services.AddRequestIds("req_");

// Keys, scopes, IP allow-lists and 1000 requests per 60 s per key from appsettings.json, answered from this
// API's own errors.yaml; StatusErrors sends the framework's validation 400 and 404s through the same catalog.
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = ApiErrors.Catalog);
builder.Services.AddValidation();
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<PaywallStore>();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

var app = builder.Build();
app.UseExceptionHandler();   // an unhandled exception: 500 INTERNAL_ERROR
app.UseStatusCodePages();    // a bare 404 (no route): NOT_FOUND
app.UseApiErrorCatalog();

// Every success is {data, meta}; every error {error, code, details, meta}.
var v1 = app.MapGroup("/v1").WithSuccessShape(ApiErrors.Shapes.Success);
v1.AddEndpointFilter(static (context, next) =>
    context.HttpContext.RequestServices.GetRequiredService<Database>().IsAvailable
        ? next(context)
        : ValueTask.FromResult<object?>(ApiErrors.DatabaseError()));

v1.MapGet("/paywalls", (ClaimsPrincipal user, PaywallStore store) => store.List(Owner(user)))
    .RequireScope("paywalls:read");

v1.MapGet("/paywalls/{id}", IResult (string id, ClaimsPrincipal user, PaywallStore store) =>
    store.Find(id) switch
    {
        null => ApiErrors.NotFound($"paywall {id}"),
        { } other when other.Owner != Owner(user) => ApiErrors.Forbidden(),
        { } paywall => Results.Ok(paywall),
    })
    .RequireScope("paywalls:read");

v1.MapPost("/paywalls", IResult (CreatePaywallRequest request, ClaimsPrincipal user, PaywallStore store) =>
{
    if (!PaywallRules.IsWallet(request.Wallet!))
    {
        return ApiErrors.InvalidWallet(request.Wallet!);
    }

    if (PaywallRules.BlockedHost(request.TargetUrl) is { } host)
    {
        return ApiErrors.SsrfBlocked(host);
    }

    return store.TryCreate(Owner(user), request, out var created) switch
    {
        CreateOutcome.SlugExists => ApiErrors.Conflict($"A paywall with slug '{request.Slug}' already exists"),
        CreateOutcome.BetaLimit => ApiErrors.BetaLimitPaywalls(PaywallStore.BetaLimit),
        _ => Results.Created($"/v1/paywalls/{created!.Id}", created),
    };
})
    .RequireScope("paywalls:write");

// 503 SERVICE_UNAVAILABLE from the catalog when a dependency check fails; public and unmetered.
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync })
    .ApiKeyOptional()
    .ExemptFromLimits();

app.Run();

static string Owner(ClaimsPrincipal user) => user.FindFirstValue(ApiKeyClaimTypes.Subscription) ?? string.Empty;
