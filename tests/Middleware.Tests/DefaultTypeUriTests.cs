using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The default catalog's <c>type</c> URIs are the app's own docs route (<c>/errors/{slug}</c>): an app whose catalog
/// points at its own docs site still answers the refusals it leaves to the defaults with a type its page serves.
/// </summary>
public sealed class DefaultTypeUriTests
{
    private static readonly string Key = NewKey("types");

    private static string Config => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "types", "Hash": "{{Hash(Key)}}", "Plan": "free" } ]
          }
        }
        """;

    /// <summary>One entry of the app's own, typed under its docs site (an absolute typeBase).</summary>
    private static ApiErrorCatalog Catalog() => new(defaultShape: null, [],
    [
        new ErrorDescriptor(
            "quota_used",
            numericCode: null,
            status: 429,
            title: "Quota used",
            detail: [TemplateSegment.Literal("Quota used.")],
            resolution: null,
            type: "https://docs.example.com/errors/quota-used",
            Refusal.MinuteLimit,
            [],
            [],
            shape: null),
    ]);

    private static Task<TestApi> StartAsync() => TestApi.StartAsync(
        Config,
        static app => app.MapErrorCatalogDocs(),
        configure: static builder => builder.Services.Configure<ApiErrorCatalogOptions>(static o => o.Catalog = Catalog()));

    [Fact]
    public async Task FallbackEntry_TypeUri_OpensItsSectionOnTheAppsPage()
    {
        await using var api = await StartAsync();

        using var missing = await api.GetAsync("/ok");
        var type = (await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002)).GetProperty("type").GetString()!;
        using var section = await api.GetAsync(type);

        Assert.Equal("/errors/api-key-missing", type);
        Assert.Equal(HttpStatusCode.OK, section.StatusCode);
        Assert.Equal("text/html", section.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"api-key-missing\"><h1>API_KEY_MISSING</h1>", await section.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OwnEntry_KeepsItsAbsoluteType_AndTheAppServesItsSlugToo()
    {
        await using var api = await StartAsync();

        using var admitted = await api.GetAsync("/ok", Key);
        using var refused = await api.GetAsync("/ok", Key);
        var type = (await ReadJsonAsync(refused)).GetProperty("type").GetString()!;
        using var section = await api.GetAsync(new Uri(type).AbsolutePath);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("https://docs.example.com/errors/quota-used", type);
        Assert.Equal(HttpStatusCode.OK, section.StatusCode);
        Assert.Contains("id=\"quota-used\"><h1>quota_used</h1>", await section.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AppsPage_ListsItsOwnEntries_AndOnlyTheDefaultsThatAnswerForIt()
    {
        await using var api = await StartAsync();

        using var page = await api.GetAsync("/errors");
        var html = await page.Content.ReadAsStringAsync();

        // Its own entry, and the default that answers a missing key (a refusal it left to the defaults)...
        Assert.Contains("id=\"quota-used\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"api-key-missing\"", html, StringComparison.Ordinal);
        // ...but not the default catalog's other entries: this API never answers with them.
        Assert.DoesNotContain("SSRF_BLOCKED", html, StringComparison.Ordinal);
        Assert.DoesNotContain("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", html, StringComparison.Ordinal);
    }
}
