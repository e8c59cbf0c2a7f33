using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Rate-limit headers on every response: X-RateLimit-*, the IETF fields and X-UnitsLimit-*.</summary>
public sealed class RateLimitHeaderTests
{
    /// <summary>2024-02-29T00:00:00Z: the end of the minute (and day) holding the default start.</summary>
    private static readonly string MinuteEnd = new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString();

    private static string Config(string key, string limits, string headers = "XRateLimit") => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "{{headers}}",
            "Plans": { "p": { "Limits": { {{limits}} } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
          }
        }
        """;

    private const string Minute10 = """ "minute": { "PermitLimit": 10, "Window": "minute" } """;

    [Fact]
    public async Task XRateLimit_OnSuccess_OnEndpointNotFound_OnEndpointCatalogError_AndOnAnUnknownRoute()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, Minute10));

        using var ok = await api.GetAsync("/ok", key);
        using var notFound = await api.GetAsync("/missing", key);
        using var catalogError = await api.GetAsync("/catalog-error", key);
        using var noRoute = await api.GetAsync("/no/such/route", key);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        var error = await AssertProblemAsync(catalogError, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("No data for thing 42.", error.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        var remaining = 9;
        foreach (var response in new[] { ok, notFound, catalogError, noRoute })
        {
            Assert.Equal("10", Header(response, "X-RateLimit-Limit"));
            Assert.Equal((remaining--).ToString(), Header(response, "X-RateLimit-Remaining"));
            Assert.Equal(MinuteEnd, Header(response, "X-RateLimit-Reset"));
        }
    }

    [Fact]
    public async Task XRateLimit_OnARefusal_ShowsNothingRemaining()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """ "minute": { "PermitLimit": 1, "Window": "minute" } """));

        using var ok = await api.GetAsync("/ok", key);
        using var refused = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", Header(refused, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
        Assert.Equal(MinuteEnd, Header(refused, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task XRateLimit_DescribesTheWindowLimitWithLeastRemaining()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 10, "Window": "minute" },
            "month": { "PermitLimit": 3, "Window": "month" },
            "inflight": { "Kind": "Concurrency", "PermitLimit": 1 }
            """));

        using var response = await api.GetAsync("/ok", key);

        Assert.Equal("3", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("2", Header(response, "X-RateLimit-Remaining"));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(), Header(response, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Ietf_ExactSyntax_ForOneLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, Minute10, "Ietf"));

        using var response = await api.GetAsync("/ok", key);

        Assert.Equal("\"minute\";q=10;w=60", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"minute\";r=9;t=30", Header(response, "RateLimit"));
        Assert.Null(Header(response, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Ietf_ListsEveryLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 10, "Window": "minute" },
            "month": { "PermitLimit": 1000, "Window": "month" },
            "inflight": { "Kind": "Concurrency", "PermitLimit": 2 }
            """, "Ietf"));

        using var response = await api.GetAsync("/ok", key);

        // Configuration orders a section's children by name, so the plan's limits come alphabetically.
        Assert.Equal("\"inflight\";q=2, \"minute\";q=10;w=60, \"month\";q=1000;w=2592000", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"inflight\";r=1, \"minute\";r=9;t=30, \"month\";r=999;t=86430", Header(response, "RateLimit"));
    }

    [Fact]
    public async Task Ietf_ResetCountsDownWithTheClock()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, Minute10, "Ietf"));

        using var first = await api.GetAsync("/ok", key);
        api.Time.Advance(TimeSpan.FromSeconds(20.5));
        using var second = await api.GetAsync("/ok", key);

        Assert.Equal("\"minute\";r=9;t=30", Header(first, "RateLimit"));
        Assert.Equal("\"minute\";r=8;t=10", Header(second, "RateLimit"));
    }

    [Fact]
    public async Task UnitsLimit_DescribesTheCreditLimit()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 10, "Window": "minute" },
            "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day" }
            """, "UnitsLimit"));

        using var response = await api.GetAsync("/credits10", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("disabled", Header(response, "X-UnitsLimit-Quota-Overage"));
        Assert.Equal("100", Header(response, "X-UnitsLimit-Quota-Allocated"));
        Assert.Equal("10", Header(response, "X-UnitsLimit-Used"));
        Assert.Equal("90", Header(response, "X-UnitsLimit-Quota-Remaining"));
        Assert.Null(Header(response, "X-RateLimit-Limit"));
        Assert.Null(Header(response, "RateLimit"));
    }

    [Fact]
    public async Task AllProfiles_Together()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """
            "minute": { "PermitLimit": 10, "Window": "minute" },
            "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day" }
            """, "XRateLimit, Ietf, UnitsLimit"));

        using var response = await api.GetAsync("/credits20", key);

        Assert.Equal("10", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("9", Header(response, "X-RateLimit-Remaining"));
        Assert.Equal("\"credits\";q=100;w=86400, \"minute\";q=10;w=60", Header(response, "RateLimit-Policy"));
        Assert.Equal("\"credits\";r=80;t=30, \"minute\";r=9;t=30", Header(response, "RateLimit"));
        Assert.Equal("20", Header(response, "X-UnitsLimit-Used"));
        Assert.Equal("80", Header(response, "X-UnitsLimit-Quota-Remaining"));
    }

    [Fact]
    public async Task NoProfile_SendsNoRateLimitHeaders_ButRefusalsStillCarryRetryAfter()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, """ "minute": { "PermitLimit": 1, "Window": "minute" } """, "None"));

        using var ok = await api.GetAsync("/ok", key);
        using var refused = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.DoesNotContain(ok.Headers, h => h.Key.Contains("RateLimit", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("30", Header(refused, "Retry-After"));
        Assert.DoesNotContain(refused.Headers, h => h.Key.Contains("RateLimit", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ExemptEndpoint_IsNotCounted_AndHasNoRateLimitHeaders()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, Minute10));

        for (var i = 0; i < 15; i++)
        {
            using var exempt = await api.GetAsync("/exempt", key);
            Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);
            Assert.Null(Header(exempt, "X-RateLimit-Limit"));
        }

        using var counted = await api.GetAsync("/ok", key);
        Assert.Equal("9", Header(counted, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task ExemptEndpoint_StillChecksTheKey()
    {
        var revoked = NewKey();
        await using var api = await StartAsync($$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "p": { "Limits": { {{Minute10}} } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(revoked)}}", "Plan": "p", "State": "Revoked" } ]
              }
            }
            """);

        using var missing = await api.GetAsync("/exempt");
        using var refused = await api.GetAsync("/exempt", revoked);

        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "KEY_REVOKED");
    }
}
