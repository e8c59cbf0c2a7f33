using System.Security.Claims;
using ErrorCatalog;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Proceeds;
using Proceeds.Health;
using Proceeds.Keys;
using Proceeds.Paywalls;
using Proceeds.Services;

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

// Scopes, IP allow-lists and 1000 requests per 60 s per key from appsettings.json, answered from this API's own
// errors.yaml; StatusErrors sends the framework's validation 400 and 404s through the same catalog. Keys are
// looked up in the database (AccountKeys, seeded from the configured ones), where /v1/keys creates and revokes them.
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = ApiErrors.Catalog);
builder.Services.AddValidation();
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<AccountKeys>();
builder.Services.AddSingleton<IApiKeyStore>(static services => services.GetRequiredService<AccountKeys>());
builder.Services.AddSingleton<PaywallStore>();
builder.Services.AddSingleton<ServiceStore>();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

var app = builder.Build();
app.UseExceptionHandler();   // an unhandled exception: 500 INTERNAL_ERROR
app.UseStatusCodePages();    // a bare 404 (no route): NOT_FOUND
app.UseApiErrorCatalog();

// Every success is {data, meta}; every error {error, code, details, meta}. While the database does not answer,
// every request with a key is answered DATABASE_ERROR (500) by the key lookup (errors.yaml: refusal StoreUnavailable).
var v1 = app.MapGroup("/v1").WithSuccessShape(ApiErrors.Shapes.Success);

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

v1.MapPost("/paywalls", IResult (CreatePaywallRequest request, ClaimsPrincipal user, PaywallStore store, ServiceStore services) =>
{
    if (request.ServiceId is { } serviceId && !services.IsOwnedBy(serviceId, Owner(user)))
    {
        return ApiErrors.InvalidService(serviceId);
    }

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

v1.MapPost("/services", IResult (CreateServiceRequest request, ClaimsPrincipal user, ServiceStore services) =>
    services.TryCreate(Owner(user), request) is { } created
        ? Results.Created($"/v1/services/{created.Id}", created)
        : ApiErrors.BetaLimitServices(ServiceStore.BetaLimit))
    .RequireScope("services:write");

// Keys, as far as the page's codes need: create (up to KEY_LIMIT_REACHED) and revoke (ALREADY_REVOKED the second time).
v1.MapPost("/keys", IResult (CreateKeyRequest request, ClaimsPrincipal user, AccountKeys keys) =>
{
    // A key creates keys with its own scopes at most.
    foreach (var scope in request.Scopes!)
    {
        if (!user.HasClaim(ApiKeyDefaults.ScopeClaimType, scope))
        {
            return ApiErrors.InsufficientScope(scope);
        }
    }

    return keys.TryCreate(Owner(user), request.Scopes!, out var created) == CreateKeyOutcome.KeyLimitReached
        ? ApiErrors.KeyLimitReached(AccountKeys.MaxKeysPerAccount)
        : Results.Created($"/v1/keys/{created!.Id}", created);
})
    .RequireScope("keys:write");

v1.MapDelete("/keys/{id}", IResult (string id, ClaimsPrincipal user, AccountKeys keys) =>
    keys.Revoke(Owner(user), id) switch
    {
        RevokeKeyOutcome.NotFound => ApiErrors.NotFound($"key {id}"),
        RevokeKeyOutcome.NotOwner => ApiErrors.Forbidden(),
        RevokeKeyOutcome.AlreadyRevoked => ApiErrors.AlreadyRevoked(id),
        _ => Results.Ok(new { id, state = "revoked" }),
    })
    .RequireScope("keys:write");

// The "Errors & rate limits" page from errors.yaml and appsettings.json: /errors (HTML), /errors.json, /errors/{slug}.
// No key needed, no key's quota spent; the bodies' type URIs keep pointing at docs.myproceeds.xyz.
app.MapErrorCatalogDocs();

// 503 SERVICE_UNAVAILABLE from the catalog when a dependency check fails; public and unmetered, as health checks
// are by default (docs/configuration.md).
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });

app.Run();

static string Owner(ClaimsPrincipal user) => user.FindFirstValue(ApiKeyDefaults.SubscriptionClaimType) ?? string.Empty;
