using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The "Errors &amp; rate limits" page of <c>MapErrorCatalogDocs</c>: HTML, sections, JSON, export.</summary>
public sealed partial class DocsPageTests
{
    private const string Config = """
        {
          "ApiErrorCatalog": {
            "Headers": "XRateLimit, Ietf",
            "IpLimit": { "PermitLimit": 600, "Window": "minute" },
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" }, "month": { "PermitLimit": 1000, "Window": "month" } } },
              "pro": {
                "Features": [ "spread" ],
                "Limits": {
                  "minute": { "PermitLimit": 100, "Window": "minute" },
                  "credits": { "Kind": "Credits", "PermitLimit": 5000, "Window": "day", "Scope": "Subscription" },
                  "concurrency": { "Kind": "Concurrency", "PermitLimit": 4 }
                }
              }
            },
            "ApiKeys": [ { "Id": "free", "Hash": "HASH", "Plan": "free" } ]
          }
        }
        """;

    private static readonly string FreeKey = NewKey("free");

    private static Task<TestApi> StartAsync(string json = Config, Action<WebApplication>? map = null, Action<WebApplicationBuilder>? configure = null) =>
        TestApi.StartAsync(json.Replace("HASH", Hash(FreeKey), StringComparison.Ordinal), app =>
        {
            app.MapErrorCatalogDocs();
            map?.Invoke(app);
        }, configure: configure);

    [Fact]
    public async Task Page_ShowsEveryEntry_WithItsCodeStatusAndAnchor()
    {
        await using var api = await StartAsync();

        using var response = await api.GetAsync("/errors");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var error in ApiErrors.Catalog.Errors)
        {
            var slug = error.Type[(error.Type.LastIndexOf('/') + 1)..];
            Assert.Contains($"<section class=\"error\" id=\"{slug}\"><h3>{error.Code}</h3>", html);
            Assert.Contains($"<dt>Status</dt><dd>{error.Status} ", html);
        }
    }

    [Fact]
    public async Task Page_StatesPlansLimitsHeadersAndRetryGuidance()
    {
        await using var api = await StartAsync();

        var html = await api.Client.GetStringAsync("/errors");

        Assert.Contains("<th scope=\"rowgroup\" rowspan=\"2\">free</th><td>minute</td><td>10 requests</td><td>minute</td><td>each key</td>", html);
        Assert.Contains("<td>credits</td><td>5,000 credits</td><td>day</td><td>shared by the subscription's keys</td>", html);
        Assert.Contains("<td>concurrency</td><td>4 concurrent requests</td>", html);
        Assert.Contains("Every client IP address, with or without a key: 600 req/minute", html);
        Assert.Contains("<tr><th scope=\"row\"><code>/credits10</code></th><td>GET</td><td>10</td>", html);
        foreach (var header in new[] { "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "RateLimit-Policy", "RateLimit", "Retry-After" })
        {
            Assert.Contains($"<th scope=\"row\"><code>{header}</code></th>", html);
        }

        Assert.DoesNotContain("X-UnitsLimit", html); // not in the configured profile
        Assert.Contains("wait the seconds of <code>Retry-After</code>", html);
        Assert.Contains("resets at <code>X-RateLimit-Reset</code> (unix seconds)", html);
    }

    [Fact]
    public async Task Page_ShowsEachEntrysExample_WithItsHeaders()
    {
        await using var api = await StartAsync();

        var html = await api.Client.GetStringAsync("/errors");

        // The detail names its placeholders; the example fills them and sets the entry's Retry-After.
        Assert.Contains("{used} of {limit} requests this minute", html);
        var minute = Section(html, "api-key-plan-minute-rate-limit-reached");
        Assert.Contains("HTTP/1.1 429 Too Many Requests\nContent-Type: application/problem+json\nRetry-After: 42\n", minute);
        Assert.Contains("\"detail\": \"You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute.", minute);
    }

    [Fact]
    public async Task Page_IsAccessible_AndSelfContained()
    {
        await using var api = await StartAsync();

        var html = await api.Client.GetStringAsync("/errors");

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html);
        AssertHeadingsInOrder(html);
        Assert.All(Regex.Matches(html, "<th( [^>]*)?>").Select(static m => m.Value), static th => Assert.Contains(" scope=\"", th));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        // The one link is the inline empty icon; any other would be an asset fetched from elsewhere.
        Assert.Equal(["<link rel=\"icon\" href=\"data:,\">"], Regex.Matches(html, "<link[^>]*>", RegexOptions.IgnoreCase).Select(static m => m.Value));
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SlugRoute_ReturnsThatEntryAlone()
    {
        await using var api = await StartAsync();

        using var response = await api.GetAsync("/errors/rate-limited");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<section class=\"error\" id=\"rate-limited\"><h1>RATE_LIMITED</h1>", html);
        Assert.Contains("<dt>Status</dt><dd>429 Too Many Requests</dd>", html);
        Assert.DoesNotContain("API_KEY_INVALID", html);
        Assert.Contains("<a href=\"/errors#rate-limited\">", html);
        AssertHeadingsInOrder(html);
    }

    [Fact]
    public async Task UnknownSlug_Returns404FromTheCatalog()
    {
        await using var api = await StartAsync();

        using var response = await api.GetAsync("/errors/no-such-error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("NOT_FOUND", body.RootElement.GetProperty("code").GetString());
        Assert.Equal("No data for error 'no-such-error'.", body.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Json_ByAcceptOrRoute_ListsEveryEntry_PlansAndHeaders()
    {
        await using var api = await StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/errors");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var negotiated = await api.Client.SendAsync(request);
        var route = await api.Client.GetByteArrayAsync("/errors.json");

        Assert.Equal("application/json", negotiated.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", negotiated.Headers.Vary);
        var body = await negotiated.Content.ReadAsByteArrayAsync();
        Assert.Equal(route, body);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var errors = root.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(ApiErrors.Catalog.Errors.Select(static e => e.Code), errors.Select(static e => e.GetProperty("code").GetString()));
        var minute = Assert.Single(errors, static e => e.GetProperty("code").GetString() == "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED");
        Assert.Equal(1008, minute.GetProperty("numericCode").GetInt32());
        Assert.Equal(429, minute.GetProperty("status").GetInt32());
        Assert.Equal("MinuteLimit", minute.GetProperty("refusal").GetString());
        Assert.Equal("/errors/api-key-plan-minute-rate-limit-reached", minute.GetProperty("docs").GetString());
        Assert.StartsWith("You've exceeded your API Key's HTTP request rate limit: {used} of {limit}", minute.GetProperty("detail").GetString());
        Assert.Equal(
            ["used:long", "limit:long", "retryAfter:seconds"],
            minute.GetProperty("placeholders").EnumerateArray().Select(static p => $"{p.GetProperty("name").GetString()}:{p.GetProperty("type").GetString()}"));
        var free = Assert.Single(root.GetProperty("plans").EnumerateArray(), static p => p.GetProperty("name").GetString() == "free");
        var freeMinute = free.GetProperty("limits")[0];
        Assert.Equal(10, freeMinute.GetProperty("permitLimit").GetInt64());
        Assert.Equal(60, freeMinute.GetProperty("windowSeconds").GetInt64());
        Assert.Contains(root.GetProperty("headers").EnumerateArray(), static h => h.GetProperty("name").GetString() == "RateLimit-Policy");
    }

    [Fact]
    public async Task Browser_GetsHtml_EvenWhenItAcceptsAnything()
    {
        await using var api = await StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/errors");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var response = await api.Client.SendAsync(request);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Page_NeedsNoKey_AndSpendsNoQuota()
    {
        await using var api = await StartAsync();

        using var before = await api.GetAsync("/ok", FreeKey);
        using var keyless = await api.GetAsync("/errors");
        using var keyed = await api.GetAsync("/errors", FreeKey);
        using var section = await api.GetAsync("/errors/rate-limited", FreeKey);
        using var json = await api.GetAsync("/errors.json", FreeKey);
        using var after = await api.GetAsync("/ok", FreeKey);

        Assert.Equal(HttpStatusCode.OK, keyless.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, section.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("9", Assert.Single(before.Headers.GetValues("X-RateLimit-Remaining")));
        Assert.Equal("8", Assert.Single(after.Headers.GetValues("X-RateLimit-Remaining")));
    }

    [Fact]
    public async Task Page_IsLeftOutOfTheOpenApiDocument()
    {
        await using var api = await StartAsync(map: static app => app.MapOpenApi(), configure: static builder => builder.Services.AddOpenApi());

        using var document = JsonDocument.Parse(await api.Client.GetByteArrayAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(static p => p.Name).ToArray();
        Assert.Contains("/ok", paths);
        Assert.DoesNotContain(paths, static p => p.StartsWith("/errors", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MapWithoutAddApiErrorCatalog_FailsWithTheFix()
    {
        var builder = WebApplication.CreateBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapErrorCatalogDocs());

        Assert.Contains("AddApiErrorCatalog", error.Message);
    }

    private static string Section(string html, string slug)
    {
        var start = html.IndexOf($"<section class=\"error\" id=\"{slug}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {slug}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    /// <summary>One h1, first; no heading deeper than one level below the one before it.</summary>
    private static void AssertHeadingsInOrder(string html)
    {
        var levels = HeadingPattern().Matches(html).Select(static m => m.Groups[1].Value[0] - '0').ToArray();
        Assert.Equal(1, levels[0]);
        Assert.Single(levels, static l => l == 1);
        for (var i = 1; i < levels.Length; i++)
        {
            Assert.True(levels[i] <= levels[i - 1] + 1, $"heading h{levels[i]} follows h{levels[i - 1]}");
        }
    }

    [GeneratedRegex("<h([1-6])[ >]")]
    private static partial Regex HeadingPattern();
}
