using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The configured limits through the built-in UseRateLimiter (UseApiErrorCatalogLimits).</summary>
public sealed class ApiErrorCatalogRateLimiterTests
{
    private const string Key = "builtin_limiter_key";

    [Fact]
    public async Task BuiltInRateLimiter_WithCatalogLimits_AdmitsExactlyThePermit_ThenAnswersFromTheCatalog()
    {
        await AssertExactlyThreeAdmittedAsync(store: null);
    }

    [Fact]
    public async Task BuiltInRateLimiter_WithAnAsynchronousKeyStore_ChargesEachRequestOnce()
    {
        await AssertExactlyThreeAdmittedAsync(new YieldingStore(new ApiKeyRecord { Id = "k", Plan = "p" }));
    }

    [Fact]
    public async Task BuiltInRateLimiter_CreditRefusal_FillsTheSamePlaceholdersAsTheMiddleware()
    {
        // Arrange: a daily quota of 2 credits, each call costing 1.
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 2, "Window": "day" } } } },
              "ApiKeys": [ { "Id": "k", "Hash": "{{ApiKeyHash.Compute(Key)}}", "Plan": "p" } ]
            }
            """;
        await using var app = await StartAsync(json, store: null);
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-API-Key", Key);

        // Act
        using var first = await client.GetAsync("/ok");
        using var second = await client.GetAsync("/ok");
        using var refused = await client.GetAsync("/ok");
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());

        // Assert: cost and remaining come from the refusing limit, as in the middleware's own refusal.
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("CREDITS_LIMIT_REACHED", body.RootElement.GetProperty("code").GetString());
        Assert.Equal("This call costs 1 credits; 0 of 2 remain in the 24-hour quota.", body.RootElement.GetProperty("detail").GetString());
    }

    private static async Task<WebApplication> StartAsync(string json, IApiKeyStore? store)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestApi.DefaultStart));
        builder.Services.AddApiErrorCatalog(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build());
        builder.Services.AddRateLimiter(options => options.UseApiErrorCatalogLimits());
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/ok", () => "ok");
        await app.StartAsync();
        return app;
    }

    private static async Task AssertExactlyThreeAdmittedAsync(IApiKeyStore? store)
    {
        // Arrange: the built-in middleware with our limiter as its global limiter, no UseApiErrorCatalog.
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } } },
              "Keys": { "CacheDuration": "00:00:00" },
              "ApiKeys": [ { "Id": "k", "Hash": "{{ApiKeyHash.Compute(Key)}}", "Plan": "p" } ]
            }
            """;
        await using var app = await StartAsync(json, store);
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-API-Key", Key);

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/ok");
            statuses.Add(response.StatusCode);
        }

        using var refused = await client.GetAsync("/ok");
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());

        // Assert: a decision made by AttemptAcquire is not made again by AcquireAsync (no double charge).
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("30", refused.Headers.RetryAfter?.ToString());
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(1008, body.RootElement.GetProperty("numericCode").GetInt32());
    }

    /// <summary>A store that answers asynchronously and is never cached, so every decision starts with a wait.</summary>
    private sealed class YieldingStore(ApiKeyRecord record) : IApiKeyStore
    {
        public async ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return hash == ApiKeyHash.Compute(Key) ? record : null;
        }
    }
}
