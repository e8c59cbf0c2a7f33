using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.OpenApi.Tests;

/// <summary>The OpenAPI document describes the plans of the last configuration reload: it is built from them per request.</summary>
public sealed class OpenApiReloadTests
{
    private static string Settings(int permit) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": {{permit}}, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "k", "Hash": "c336b96ffbe8ed26c1381ff77f20a4069813fd7c83f3d3dc35c0d96bc51be126", "Plan": "free" } ]
          }
        }
        """;

    [Fact]
    public async Task PlanLimitReloaded_IsWhatTheNextDocumentDescribes()
    {
        // Arrange: an appsettings.json of its own, reloaded on demand
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"i20-reload-openapi-{Guid.NewGuid():N}"));
        try
        {
            var file = Path.Combine(directory.FullName, "appsettings.json");
            await File.WriteAllTextAsync(file, Settings(permit: 10));
            var configuration = new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build();
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
            builder.Services.AddOpenApi(o => o.AddApiErrorCatalog());
            await using var app = builder.Build();
            app.UseApiErrorCatalog();
            app.MapOpenApi();
            app.MapGet("/quote", () => "1.08");
            await app.StartAsync();
            using var client = app.GetTestClient();
            var before = await client.GetStringAsync("/openapi/v1.json");

            // Act
            await File.WriteAllTextAsync(file, Settings(permit: 25));
            configuration.Reload();
            var after = await client.GetStringAsync("/openapi/v1.json");

            // Assert: the 429 example's limit and the plan's description
            Assert.Contains("\"limit\": 10", before, StringComparison.Ordinal);
            Assert.Contains("\"limit\": 25", after, StringComparison.Ordinal);
            Assert.Contains("10 req/minute", before, StringComparison.Ordinal);
            Assert.Contains("25 req/minute", after, StringComparison.Ordinal);
            Assert.DoesNotContain("10 req/minute", after, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
