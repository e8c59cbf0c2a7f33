using System.Text;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace ErrorCatalog.OpenApi.Tests;

/// <summary>A TestServer app with <c>AddOpenApi(o => o.AddApiErrorCatalog())</c>; its document as served and as read back.</summary>
internal static class OpenApiApp
{
    public const string Settings = """
        {
          "ApiErrorCatalog": {
            "KeyReading": { "Headers": [ "X-API-Key" ], "QueryParameter": "api_key" },
            "Headers": "XRateLimit, Ietf",
            "IpLimit": { "PermitLimit": 600, "Window": "minute" },
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } },
              "pro": {
                "Features": [ "spread" ],
                "Limits": {
                  "minute": { "PermitLimit": 100, "Window": "minute" },
                  "month": { "PermitLimit": 100000, "Window": "month" }
                }
              }
            },
            "ApiKeys": [ { "Id": "k", "Hash": "c336b96ffbe8ed26c1381ff77f20a4069813fd7c83f3d3dc35c0d96bc51be126", "Plan": "free" } ]
          }
        }
        """;

    /// <summary>Starts the app with <paramref name="settings"/>, fetches /openapi/v1.json and reads it.</summary>
    public static async Task<(string Json, ReadResult Read)> DocumentAsync(string settings = Settings, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(settings)));
        builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("ApiErrorCatalog"));
        builder.Services.AddOpenApi(o => o.AddApiErrorCatalog());
        services?.Invoke(builder.Services);
        await using var app = builder.Build();
        app.UseApiErrorCatalog();
        app.MapOpenApi();
        app.MapGet("/spread", () => TypedResults.Ok(new Quote("EUR-USD", 1.08m))).RequirePlan("spread").RequireScope("rates:read");
        app.MapGet("/optional", () => TypedResults.Ok(new Quote("EUR-USD", 1.08m))).ApiKeyOptional();
        app.MapGet("/flat", () => TypedResults.Ok(new Quote("EUR-USD", 1.08m))).WithErrorShape("flat");
        app.MapGet("/exempt", () => TypedResults.Ok(new Quote("EUR-USD", 1.08m))).ExemptFromLimits();
        app.MapGet("/quote/{pair}", Results<Ok<Quote>, ApiError> (string pair) =>
            pair == "EUR-USD" ? TypedResults.Ok(new Quote(pair, 1.08m)) : ApiErrors.NotFound($"pair {pair}"));
        await app.StartAsync();

        using var client = app.GetTestClient();
        var json = await client.GetStringAsync("/openapi/v1.json");
        await app.StopAsync();
        return (json, OpenApiDocument.Parse(json, "json"));
    }

    public static OpenApiOperation Get(this OpenApiDocument document, string path) =>
        document.Paths[path].Operations![HttpMethod.Get];

    public static OpenApiResponse Response(this OpenApiOperation operation, string status)
    {
        Assert.True(operation.Responses!.TryGetValue(status, out var response), $"no {status} response; has {string.Join(", ", operation.Responses.Keys)}");
        return Assert.IsAssignableFrom<OpenApiResponse>(response);
    }

    public record Quote(string Pair, decimal Rate);
}
