using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi.Tests;

/// <summary>QuickStart's /openapi/v1.json describes its plan-gated, limited endpoint's refusals.</summary>
public sealed class QuickStartOpenApiTests
{
    [Fact]
    public async Task SpreadOperation_Has401_403_429_WithTheProblemSchema_RetryAfter_AndRateLimitHeaders()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        var json = await client.GetStringAsync("/openapi/v1.json");
        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Empty(read.Diagnostic.Warnings);
        var document = read.Document!;
        Assert.Equal(ParameterLocation.Header, document.Components!.SecuritySchemes!["ApiKey"].In);
        Assert.Equal("X-API-Key", document.Components.SecuritySchemes["ApiKey"].Name);

        var spread = document.Get("/v1/rates/{pair}/spread");
        foreach (var status in new[] { "401", "403", "429" })
        {
            var schema = Assert.IsType<OpenApiSchemaReference>(spread.Response(status).Content!["application/problem+json"].Schema);
            Assert.Equal("ApiError", schema.Reference.Id);
        }

        Assert.Contains("API_KEY_PLAN_NOT_AUTHORIZED", spread.Response("403").Content!["application/problem+json"].Examples!.Keys);
        var limited = spread.Response("429");
        foreach (var header in new[] { "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit" })
        {
            Assert.Contains(header, limited.Headers!.Keys);
        }

        Assert.Contains(spread.Security!, requirement => requirement.Keys.Any(s => s.Reference.Id == "ApiKey"));
    }
}
