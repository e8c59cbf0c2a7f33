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

    [Fact]
    public async Task BuiltInRateLimiter_KeyWithoutThePlan_IsRefusedWithTheCatalogsAnswer()
    {
        // Arrange: the built-in limiter alone (no UseApiErrorCatalog) in front of a RequirePlan("pro") endpoint.
        await using var app = await StartAsync(AccessJson, store: null, static app => app.MapGet("/pro", () => "pro").RequirePlan("pro"));
        var client = app.GetTestClient();

        // Act
        using var free = await GetAsync(client, "/pro", FreeKey);
        using var pro = await GetAsync(client, "/pro", ProKey);
        using var body = JsonDocument.Parse(await free.Content.ReadAsStringAsync());

        // Assert: the same 403 and catalog body the middleware answers.
        Assert.Equal(HttpStatusCode.Forbidden, free.StatusCode);
        Assert.Equal("API_KEY_PLAN_NOT_AUTHORIZED", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(1006, body.RootElement.GetProperty("numericCode").GetInt32());
        Assert.Equal(HttpStatusCode.OK, pro.StatusCode);
    }

    [Fact]
    public async Task BuiltInRateLimiter_RevokedKey_IsRefused()
    {
        await using var app = await StartAsync(AccessJson, store: null);
        var client = app.GetTestClient();

        using var response = await GetAsync(client, "/ok", RevokedKey);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("KEY_REVOKED", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(["ApiKey header=\"X-API-Key\""], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
    }

    [Fact]
    public async Task BuiltInRateLimiter_MissingKey_IsRefusedWhereKeysAreRequired()
    {
        await using var app = await StartAsync(AccessJson, store: null);

        using var response = await app.GetTestClient().GetAsync("/ok");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BuiltInRateLimiter_FailingKeyStore_Answers503WithRetryAfter()
    {
        var json = """{ "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } } } }""";
        await using var app = await StartAsync(json, new FailingStore());

        using var response = await GetAsync(app.GetTestClient(), "/ok", Key);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal("SERVICE_UNAVAILABLE", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("retryAfter").GetInt32());
    }

    [Fact]
    public async Task BuiltInRateLimiter_BadKeys_CountAgainstTheIpLimit_AsInTheMiddleware()
    {
        // Arrange: an IP limit of 2 a minute in front of the keys.
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } } },
              "IpLimit": { "PermitLimit": 2, "Window": "minute" },
              "ApiKeys": [ { "Id": "k", "Hash": "{{ApiKeyHash.Compute(Key)}}", "Plan": "p" } ]
            }
            """;
        await using var app = await StartAsync(json, store: null);
        var client = app.GetTestClient();

        // Act: two guesses, a third, then the real key from the same address.
        using var first = await GetAsync(client, "/ok", "guess_1");
        using var second = await GetAsync(client, "/ok", "guess_2");
        using var third = await GetAsync(client, "/ok", "guess_3");
        using var real = await GetAsync(client, "/ok", Key);

        // Assert: the guesses are refused as invalid until the address is over its limit, which then answers.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], [first.StatusCode, second.StatusCode]);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, real.StatusCode);
    }

    [Fact]
    public async Task BuiltInRateLimiter_ExemptEndpoint_StillChecksTheKeysAccess()
    {
        // Arrange: exempt from limits, but for pro keys only.
        await using var app = await StartAsync(AccessJson, store: null, static app => app.MapGet("/pro-exempt", () => "pro").RequirePlan("pro").ExemptFromLimits());
        var client = app.GetTestClient();

        // Act
        using var free = await GetAsync(client, "/pro-exempt", FreeKey);
        using var revoked = await GetAsync(client, "/pro-exempt", RevokedKey);
        using var pro = await GetAsync(client, "/pro-exempt", ProKey);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, free.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pro.StatusCode);
    }

    [Fact]
    public async Task BuiltInRateLimiter_FailingKeyStore_IsNotChargedToTheIpLimit()
    {
        // Arrange: an IP limit of 1 a minute, and a key store that cannot answer.
        var json = """
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } } },
              "IpLimit": { "PermitLimit": 1, "Window": "minute" }
            }
            """;
        await using var app = await StartAsync(json, new FailingStore());
        var client = app.GetTestClient();

        // Act
        using var first = await GetAsync(client, "/ok", Key);
        using var second = await GetAsync(client, "/ok", Key);

        // Assert: the client did nothing wrong; each answer is the outage's, not the IP limit's.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal("1", second.Headers.RetryAfter?.ToString());
    }

    private const string FreeKey = "builtin_limiter_free";
    private const string ProKey = "builtin_limiter_pro";
    private const string RevokedKey = "builtin_limiter_revoked";

    private static readonly string AccessJson = $$"""
        {
          "Plans": {
            "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } },
            "pro": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } }
          },
          "ApiKeys": [
            { "Id": "free", "Hash": "{{ApiKeyHash.Compute(FreeKey)}}", "Plan": "free" },
            { "Id": "pro", "Hash": "{{ApiKeyHash.Compute(ProKey)}}", "Plan": "pro" },
            { "Id": "revoked", "Hash": "{{ApiKeyHash.Compute(RevokedKey)}}", "Plan": "pro", "State": "Revoked" }
          ]
        }
        """;

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-API-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<WebApplication> StartAsync(string json, IApiKeyStore? store, Action<WebApplication>? map = null)
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
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    private static async Task AssertExactlyThreeAdmittedAsync(IApiKeyStore? store)
    {
        // Arrange: the built-in middleware with our limiter as its global limiter, no UseApiErrorCatalog.
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } } },
              "KeyReading": { "CacheDuration": "00:00:00" },
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

    /// <summary>A store that cannot answer.</summary>
    private sealed class FailingStore : IApiKeyStore
    {
        public async ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("The key database is down.");
        }
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
