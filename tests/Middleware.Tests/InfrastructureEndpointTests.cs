using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The endpoints that describe or watch the API (MapOpenApi's document, MapHealthChecks) need no key and count
/// against no limit by default, where keys are required; an endpoint that declares a key requirement keeps it.
/// </summary>
public sealed class InfrastructureEndpointTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "IpLimit": { "PermitLimit": 100, "Window": "minute" },
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    private static Task<TestApi> StartAsync(string key, bool endpointFilters = false) => TestApi.StartAsync(
        Config(key),
        map: app =>
        {
            var document = app.MapOpenApi();
            var health = app.MapHealthChecks("/health");
            if (endpointFilters)
            {
                // A filter wraps the endpoint's delegate (as AddValidation() does for every endpoint).
                document.AddEndpointFilter(static (context, next) => next(context));
                health.AddEndpointFilter(static (context, next) => next(context));
            }

            app.MapHealthChecks("/health/keyed").RequireApiKey();
            app.MapOpenApi("/openapi/{documentName}.yaml").WithMetadata(new ApiKeyAttribute());
        },
        configure: static builder =>
        {
            builder.Services.AddOpenApi();
            builder.Services.AddHealthChecks();
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenApiDocumentAndHealthChecks_WithoutKey_Return200_AndSpendNoKeysQuota(bool endpointFilters)
    {
        var key = NewKey();
        await using var api = await StartAsync(key, endpointFilters);
        using var anonymousBefore = await api.GetAsync("/optional", ip: "192.0.2.20");
        using var keyedBefore = await api.GetAsync("/ok", key, ip: "192.0.2.20");

        for (var i = 0; i < 3; i++)
        {
            using var document = await api.GetAsync("/openapi/v1.json", ip: "192.0.2.20");
            using var health = await api.GetAsync("/health", ip: "192.0.2.20");

            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.Contains("\"openapi\"", await document.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            Assert.NotNull(Header(health, "X-RateLimit-Remaining")); // throttled per client, like any traffic
        }

        using var anonymousAfter = await api.GetAsync("/optional", ip: "192.0.2.20");
        using var keyedAfter = await api.GetAsync("/ok", key, ip: "192.0.2.20");

        // The IP limit counts every call, the six to the document and health checks too; the key's minute only its own two.
        Assert.Equal("99", Header(anonymousBefore, "X-RateLimit-Remaining"));
        Assert.Equal("91", Header(anonymousAfter, "X-RateLimit-Remaining"));
        Assert.Equal("9", Header(keyedBefore, "X-RateLimit-Remaining"));
        Assert.Equal("8", Header(keyedAfter, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task HealthChecks_WithAWrongKey_AreRefused_AndTheRefusalCountsAgainstTheIpLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync(key);

        using var refused = await api.GetAsync("/health", NewKey(), ip: "192.0.2.21");
        using var anonymous = await api.GetAsync("/optional", ip: "192.0.2.21");

        // Admitted calls cost nothing, but the endpoint is no unthrottled place to try keys.
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal("99", Header(refused, "X-RateLimit-Remaining"));
        Assert.Equal("98", Header(anonymous, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task HealthChecks_WithRequireApiKey_StillRequireAKey_AndCount()
    {
        var key = NewKey();
        await using var api = await StartAsync(key);

        using var anonymous = await api.GetAsync("/health/keyed");
        using var keyed = await api.GetAsync("/health/keyed", key);

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal("9", Header(keyed, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task OpenApiDocument_WithApiKeyAttribute_StillRequiresAKey()
    {
        var key = NewKey();
        await using var api = await StartAsync(key);

        using var anonymous = await api.GetAsync("/openapi/v1.yaml");
        using var keyed = await api.GetAsync("/openapi/v1.yaml", key);

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal("9", Header(keyed, "X-RateLimit-Remaining"));
    }
}
