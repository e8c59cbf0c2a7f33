using ControllersSample;
using ErrorCatalog.Middleware;

// `dotnet run --project samples/Controllers -- hash-key <key>` prints the hash to put in appsettings.json.
if (args is ["hash-key", var newKey])
{
    Console.WriteLine(ApiKeyHash.Compute(newKey));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"));
builder.Services.AddControllers();
builder.Services.AddSingleton<RateBook>();
var app = builder.Build();

// WebApplication routes first, so the middleware sees each action's [ApiKey] attributes.
app.UseApiErrorCatalog();

// The framework's own answers in the catalog's shape too: an unhandled exception (500), an unknown path (404).
app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapControllers();
app.Run();

/// <summary>Visible to WebApplicationFactory.</summary>
public partial class Program;
