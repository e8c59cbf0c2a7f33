using System.Net;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// An application's own small catalog lies over the default catalog: its entries answer what they declare, the
/// defaults the rest; completeness can be required; the catalog is found without being named when there is one.
/// </summary>
public sealed class CatalogOverlayTests
{
    /// <summary>An application assembly with one generated catalog, as the generator marks it.</summary>
    private static readonly Assembly OneCatalogApp = AppAssembly("Overlay.OneCatalogApp", typeof(MinuteOnlyApp));

    /// <summary>An application assembly that compiles two errors.yaml files.</summary>
    private static readonly Assembly TwoCatalogApp = AppAssembly("Overlay.TwoCatalogApp", typeof(MinuteOnlyApp), typeof(OtherApp));

    private static string Config(string key, string extra = "", int permit = 1) => $$"""
        {
          "ApiErrorCatalog": {
            {{extra}}
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": {{permit}}, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    [Fact]
    public async Task AppCatalogWithOnlyAMinuteLimit_Answers429ItselfAnd401FromTheDefaults()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = MinuteOnlyApp.Catalog));

        using var first = await api.GetAsync("/ok", key);
        using var second = await api.GetAsync("/ok", key);
        using var missing = await api.GetAsync("/ok");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var limited = await AppProblemAsync(second, HttpStatusCode.TooManyRequests, "SLOW_DOWN");
        Assert.Equal("Slow down", limited.GetProperty("title").GetString());
        var body = await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
        Assert.Equal("API key missing. Send it in the X-API-Key header.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AppCatalogWithAnInvalidKeyEntry_StillAnswersAMissingKeyWithIt()
    {
        // Its own close answer comes before the defaults' exact one: an API that answers a missing key as invalid keeps doing so.
        await using var api = await StartAsync(Config(NewKey()), configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = OtherApp.Catalog));

        using var missing = await api.GetAsync("/ok");
        using var unknown = await api.GetAsync("/ok", NewKey());

        await AppProblemAsync(missing, HttpStatusCode.Unauthorized, "BAD_KEY");
        await AppProblemAsync(unknown, HttpStatusCode.Unauthorized, "BAD_KEY");
    }

    [Fact]
    public async Task AppCatalogsCloseEntry_NotFilledByTheRefusal_LeavesItToTheDefaults()
    {
        // Its scope entry would read "lacks ." for a key outside its IP allow-list: that refusal fills no scope.
        var key = NewKey();
        var config = $$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Plan": "free", "AllowedIps": [ "10.0.0.0/8" ] } ]
              }
            }
            """;
        await using var api = await StartAsync(config, configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = ScopeApp.Catalog));

        using var outside = await api.GetAsync("/ok", key, ip: "192.0.2.30");

        var body = await ResponseAssert.JsonBodyAsync(outside, HttpStatusCode.Forbidden, "application/problem+json", "IP_NOT_ALLOWED");
        Assert.Equal("IP_NOT_ALLOWED", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AppCatalogWithoutFrameworkEntries_AnswersThemFromTheDefaults()
    {
        // INTERNAL_SERVER_ERROR (the unhandled-exception default) and NOT_FOUND are the default catalog's codes.
        var key = NewKey();
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Config(key, extra: "\"StatusErrors\": { \"404\": \"NOT_FOUND\" },", permit: 10))))
            .Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"), o => o.Catalog = MinuteOnlyApp.Catalog);
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiErrorCatalog();
        app.MapGet("/broken", IResult () => throw new InvalidOperationException("secret detail"));
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add(KeyHeader, key);

        using var broken = await client.GetAsync(new Uri("/broken", UriKind.Relative));
        using var nowhere = await client.GetAsync(new Uri("/nowhere", UriKind.Relative));

        var body = await ResponseAssert.JsonBodyAsync(broken, HttpStatusCode.InternalServerError, "application/problem+json", "INTERNAL_SERVER_ERROR");
        Assert.Equal("INTERNAL_SERVER_ERROR", body.GetProperty("code").GetString());
        Assert.DoesNotContain("secret detail", body.GetRawText(), StringComparison.Ordinal);
        var notFound = await ResponseAssert.JsonBodyAsync(nowhere, HttpStatusCode.NotFound, "application/problem+json", "NOT_FOUND");
        Assert.Equal("NOT_FOUND", notFound.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AppCatalog_EndpointShapeOfTheDefaults_StillApplies()
    {
        // The default catalog's shapes lie under the application's too: WithErrorShape("flat") keeps working.
        await using var api = await StartAsync(Config(NewKey()), configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = MinuteOnlyApp.Catalog));

        using var response = await api.GetAsync("/flat");

        var body = await ResponseAssert.JsonBodyAsync(response, HttpStatusCode.Unauthorized, "application/json", "API_KEY_MISSING");
        Assert.Equal("API_KEY_MISSING", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AppCatalogWithItsOwnDefaultShape_WritesTheDefaultsEntriesInIt()
    {
        // Every body of the API has the application's shape, whichever catalog's entry answers.
        var key = NewKey();
        await using var api = await StartAsync(Config(key), configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = ShapedApp.Catalog));

        using var first = await api.GetAsync("/ok", key);
        using var limited = await api.GetAsync("/ok", key);
        using var missing = await api.GetAsync("/ok");

        var own = await ResponseAssert.JsonBodyAsync(limited, HttpStatusCode.TooManyRequests, "application/json", "SLOW_DOWN");
        Assert.Equal("""{"error":"SLOW_DOWN","message":"Slow down"}""", own.GetRawText());
        var fallback = await ResponseAssert.JsonBodyAsync(missing, HttpStatusCode.Unauthorized, "application/json", "API_KEY_MISSING");
        Assert.Equal("""{"error":"API_KEY_MISSING","message":"API key missing."}""", fallback.GetRawText());
    }

    [Fact]
    public async Task RequireCompleteCatalog_ListsEachMissingRefusalOnItsOwnLine_WithAnEntryToPaste()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(
            Config(NewKey(), extra: "\"RequireCompleteCatalog\": true,"),
            configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = MinuteOnlyApp.Catalog)));

        var lines = failure.Message.Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("ApiErrorCatalog:RequireCompleteCatalog is true, but the catalog leaves 21 answers to the default catalog", StringComparison.Ordinal));
        Assert.Contains("  - { code: API_KEY_MISSING, status: 401, title: \"API key missing.\", refusal: KeyMissing }", lines);
        Assert.Contains("  - { code: INTERNAL_SERVER_ERROR, status: 500, title: \"An unexpected server issue was encountered.\" }   # UnhandledExceptionError", lines);
        foreach (var refusal in Enum.GetValues<Refusal>().Where(r => r is not Refusal.None and not Refusal.MinuteLimit))
        {
            Assert.Single(lines, l => l.StartsWith("  - { code: ", StringComparison.Ordinal) && l.EndsWith($", refusal: {refusal} }}", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.Contains("refusal: MinuteLimit", StringComparison.Ordinal));
        Assert.DoesNotContain("(nor )", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireCompleteCatalog_StartsWithACompleteCatalog()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key, extra: "\"RequireCompleteCatalog\": true,"));

        using var response = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CatalogNotSet_TheApplicationsOnlyGeneratedCatalogAnswers()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key), applicationName: OneCatalogApp.GetName().Name);

        using var first = await api.GetAsync("/ok", key);
        using var second = await api.GetAsync("/ok", key);
        using var missing = await api.GetAsync("/ok");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AppProblemAsync(second, HttpStatusCode.TooManyRequests, "SLOW_DOWN");
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
    }

    [Fact]
    public async Task CatalogSet_WinsOverTheDiscoveredOne()
    {
        var key = NewKey();
        await using var api = await StartAsync(
            Config(key),
            configure: b => b.Services.Configure<ApiErrorCatalogOptions>(o => o.Catalog = OtherApp.Catalog),
            applicationName: OneCatalogApp.GetName().Name);

        using var first = await api.GetAsync("/ok", key);
        using var second = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
    }

    [Fact]
    public async Task CatalogNotSet_TwoGeneratedCatalogs_FailStartUpAskingForCatalog()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(
            Config(NewKey()), applicationName: TwoCatalogApp.GetName().Name));

        Assert.Contains(
            $"ApiErrorCatalog:Catalog is not set and the application has 2 generated catalogs ({typeof(MinuteOnlyApp).FullName}, {typeof(OtherApp).FullName}); set the one to answer from",
            failure.Message,
            StringComparison.Ordinal);
    }

    /// <summary>A problem body of an application entry (its own type URI): status, media type and code.</summary>
    private static async Task<System.Text.Json.JsonElement> AppProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var json = await ResponseAssert.JsonBodyAsync(response, status, "application/problem+json", code);
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal($"https://app.test/{code}", json.GetProperty("type").GetString());
        return json;
    }

    private static Assembly AppAssembly(string name, params Type[] catalogs) => AssemblyBuilder.DefineDynamicAssembly(
        new AssemblyName(name),
        AssemblyBuilderAccess.Run,
        catalogs.Select(c => new CustomAttributeBuilder(typeof(GeneratedCatalogAttribute).GetConstructor([typeof(Type)])!, [c])));

    private static ErrorDescriptor Entry(string code, int status, Refusal refusal) =>
        new(code, null, status, code == "SLOW_DOWN" ? "Slow down" : code, [], null, $"https://app.test/{code}", refusal, [], [], null);

    /// <summary>A generated class of an application's errors.yaml holding one entry, for the minute limit.</summary>
    public static class MinuteOnlyApp
    {
        public static ApiErrorCatalog Catalog { get; } = new(null, [], [Entry("SLOW_DOWN", 429, Refusal.MinuteLimit)]);
    }

    /// <summary>An application catalog whose default shape is its own: <c>{"error": "{$code}", "message": "{$title}"}</c>.</summary>
    public static class ShapedApp
    {
        private static readonly BodyShape Shape = new("app", "application/json", ShapeNode.Object(
            null, ShapeNode.Value("error", SystemValue.Code), ShapeNode.Value("message", SystemValue.Title)));

        public static ApiErrorCatalog Catalog { get; } = new("app", [Shape], [Entry("SLOW_DOWN", 429, Refusal.MinuteLimit)]);
    }

    /// <summary>An application catalog with a scope entry only, whose detail names the missing scope.</summary>
    public static class ScopeApp
    {
        public static ApiErrorCatalog Catalog { get; } = new(null, [], [new ErrorDescriptor(
            "NO_SCOPE", null, 403, "NO_SCOPE", [TemplateSegment.Literal("Your key lacks "), TemplateSegment.Argument("scope"), TemplateSegment.Literal(".")],
            null, "https://app.test/NO_SCOPE", Refusal.InsufficientScope, [new PlaceholderDescriptor("scope", PlaceholderKind.String)], [], null)]);
    }

    /// <summary>Another application catalog: an invalid-key entry only.</summary>
    public static class OtherApp
    {
        public static ApiErrorCatalog Catalog { get; } = new(null, [], [Entry("BAD_KEY", 401, Refusal.KeyInvalid)]);
    }
}
