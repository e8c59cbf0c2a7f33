using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi.Tests;

/// <summary>
/// <c>AddOpenApi(o => o.AddApiErrorCatalog())</c>: each operation lists the catalog errors its endpoint can answer,
/// with the shape's schema, examples and headers, and the document reads back with no errors.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Document_ReadsBack_WithNoErrorsOrWarnings()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Empty(read.Diagnostic.Warnings);
        Assert.NotNull(read.Document);
    }

    [Fact]
    public async Task PlanGatedLimitedEndpoint_Has401_403_429_WithProblemSchema_RetryAfter_AndRateLimitHeaders()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var operation = read.Document!.Get("/spread");

        var missing = operation.Response("401");
        Assert.Contains("API_KEY_MISSING", missing.Content!["application/problem+json"].Examples!.Keys);
        Assert.Contains("WWW-Authenticate", missing.Headers!.Keys);

        var forbidden = operation.Response("403");
        Assert.Contains("API_KEY_PLAN_NOT_AUTHORIZED", forbidden.Content!["application/problem+json"].Examples!.Keys);

        var limited = operation.Response("429");
        var media = limited.Content!["application/problem+json"];
        var schema = Assert.IsType<OpenApiSchemaReference>(media.Schema);
        Assert.Equal("ApiError", schema.Reference.Id);
        Assert.Contains("code", schema.Properties!.Keys);
        Assert.Contains("retryAfter", media.Examples!.Values.Select(e => e.Value!.AsObject()).SelectMany(o => o.Select(p => p.Key)));
        Assert.True(limited.Headers!["Retry-After"].Required);
        foreach (var header in new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit" })
        {
            Assert.Contains(header, limited.Headers.Keys);
            Assert.Contains(header, operation.Response("200").Headers!.Keys);
        }
    }

    [Fact]
    public async Task Examples_AreTheBodiesTheWriterSends()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var examples = read.Document!.Get("/spread").Response("429").Content!["application/problem+json"].Examples!;

        // The pro plan's minute limit (100) answers the plan-gated endpoint; the free plan's (10) does not count there.
        var body = examples["API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED"].Value!.AsObject();
        Assert.Equal(429, (int)body["status"]!);
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", (string?)body["code"]);
        Assert.Equal(100, (long)body["limit"]!);
        Assert.Contains("of 100 requests this minute", (string?)body["detail"]);
        Assert.Equal("/spread", (string?)body["instance"]);
        Assert.NotNull(body["type"]);
    }

    [Fact]
    public async Task EndpointWithACustomShape_DescribesThatShape_AndItsExamplesAreInIt()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var media = read.Document!.Get("/flat").Response("429").Content!["application/json"];

        var schema = Assert.IsType<OpenApiSchemaReference>(media.Schema);
        Assert.Equal("ApiError.flat", schema.Reference.Id);
        Assert.Equal(["error", "detail", "retry_after_seconds", "tier", "tier_limit", "upgrade_url"], schema.Properties!.Keys);
        Assert.Equal(JsonSchemaType.Integer, schema.Properties["retry_after_seconds"].Type);
        var body = media.Examples!["API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED"].Value!.AsObject();
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", (string?)body["error"]);
        Assert.Equal(60, (long)body["retry_after_seconds"]!);
        Assert.Null(body["type"]); // not a problem+json body
    }

    [Fact]
    public async Task OptionalKeyEndpoint_HasNo401ForAMissingKey_AndAnOptionalSecurityRequirement()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var operation = read.Document!.Get("/optional");

        // A wrong key is still refused; no key is not.
        var unauthorized = operation.Response("401");
        Assert.DoesNotContain("API_KEY_MISSING", unauthorized.Content!["application/problem+json"].Examples!.Keys);
        Assert.Contains("API_KEY_INVALID", unauthorized.Content["application/problem+json"].Examples!.Keys);
        Assert.Contains(operation.Security!, requirement => requirement.Count == 0);
    }

    [Fact]
    public async Task ExemptEndpoint_HasNo429_AndNoRateLimitHeaders()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var operation = read.Document!.Get("/exempt");

        Assert.False(operation.Responses!.ContainsKey("429"));
        Assert.Null(operation.Response("200").Headers);
        Assert.Contains("401", operation.Responses.Keys); // keys are still checked
    }

    [Fact]
    public async Task ApiKeySecuritySchemes_InHeaderAndQuery_AreRequiredWhereAKeyIs()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var schemes = read.Document!.Components!.SecuritySchemes!;

        Assert.Equal(SecuritySchemeType.ApiKey, schemes["ApiKey"].Type);
        Assert.Equal(ParameterLocation.Header, schemes["ApiKey"].In);
        Assert.Equal("X-API-Key", schemes["ApiKey"].Name);
        Assert.Equal(ParameterLocation.Query, schemes["ApiKeyQuery"].In);
        Assert.Equal("api_key", schemes["ApiKeyQuery"].Name);

        var security = read.Document.Get("/spread").Security!;
        Assert.Equal(["ApiKey", "ApiKeyQuery"], security.SelectMany(r => r.Keys).Select(s => s.Reference.Id));
        Assert.DoesNotContain(security, requirement => requirement.Count == 0);
    }

    [Fact]
    public async Task ResultsOfApiError_DescribesItsErrorResponse()
    {
        var (_, read) = await OpenApiApp.DocumentAsync();
        var operation = read.Document!.Get("/quote/{pair}");

        Assert.Contains("200", operation.Responses!.Keys);
        var error = operation.Response("default");
        Assert.Equal("ApiError", Assert.IsType<OpenApiSchemaReference>(error.Content!["application/problem+json"].Schema).Reference.Id);
    }

    [Fact]
    public async Task ACustomKeyStore_CanFail_So503IsDescribed()
    {
        var (_, read) = await OpenApiApp.DocumentAsync(services: static s => s.AddSingleton<Middleware.IApiKeyStore, NoKeys>());
        var unavailable = read.Document!.Get("/spread").Response("503");

        Assert.Contains("Retry-After", unavailable.Headers!.Keys);
        Assert.Empty(read.Diagnostic!.Errors);
    }

    private sealed class NoKeys : Middleware.IApiKeyStore
    {
        public ValueTask<Middleware.ApiKeyRecord?> FindAsync(Middleware.ApiKeyHash hash, CancellationToken cancellationToken) => default;
    }
}
