using CoinApi;
using CoinApi.Billing;
using CoinApi.Node;
using ErrorCatalog.Middleware;

// `dotnet run --project samples/CoinApi -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);

// From appsettings.json: keys (X-CoinAPI-Key or ?apikey=), a 24-hour credit quota per subscription with a
// sub-limit per key, overage per key, a concurrency limit per key, method costs, the X-UnitsLimit-* headers;
// every refusal answered from this API's errors.yaml as a JSON-RPC error.
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = ApiErrors.Catalog);
builder.Services.AddSingleton<Chain>();

// What each admitted call was charged, overage included, delivered in batches off the request path (docs/metering.md).
builder.Services.AddApiUsageMeter<OverageLedger>();

var app = builder.Build();
app.UseExceptionHandler();   // an unhandled exception: 500 INTERNAL_ERROR (-32603)
app.UseStatusCodePages();    // another path (404), a GET (405), a body over Kestrel's limit (413): -32600 INVALID_REQUEST
app.UseApiErrorCatalog();

// JSON-RPC 2.0; the cost of each call is its method's (eth_call 20, others 10).
app.MapPost("/", JsonRpcEndpoint.HandleAsync).WithJsonRpcCredits();

// The limits page from errors.yaml and appsettings.json (credits per method, concurrency, X-UnitsLimit-* headers):
// GET /errors (HTML), /errors.json, /errors/{slug}. No key needed, no credits spent; type URIs keep docs.coinapi.io.
app.MapErrorCatalogDocs();

app.Run();
