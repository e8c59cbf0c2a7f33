using System.Net;
using System.Text.Json;
using ErrorCatalog.CodeGeneration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// An application catalog whose <c>type</c> URIs are the docs route (a relative <c>typeBase</c> of <c>/errors/</c>):
/// the type URI of a refusal's body opens that entry's section, and the export writes the same pages.
/// </summary>
public sealed class DocsTypeUriTests
{
    private static readonly string Key = NewKey("docs");

    private static string Config => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "docs", "Hash": "{{Hash(Key)}}", "Plan": "free" } ]
          }
        }
        """;

    /// <summary>One entry answering the minute limit in a flat shape of its own, typed under /errors/.</summary>
    private static ApiErrorCatalog Catalog()
    {
        var flat = new BodyShape("flat", "application/json", ShapeNode.Object(
            null,
            ShapeNode.Value("error", SystemValue.Code),
            ShapeNode.Value("detail", SystemValue.Detail),
            ShapeNode.Value("type", SystemValue.Type),
            ShapeNode.Argument("retry_after_seconds", "retryAfter")));
        var quota = new ErrorDescriptor(
            "quota_used",
            numericCode: null,
            status: 429,
            title: "Quota used",
            detail: [TemplateSegment.Literal("You have used "), TemplateSegment.Argument("used"), TemplateSegment.Literal(" of "), TemplateSegment.Argument("limit"), TemplateSegment.Literal(" requests.")],
            resolution: "Wait for the next minute.",
            type: "/errors/quota-used",
            Refusal.MinuteLimit,
            [new PlaceholderDescriptor("used", PlaceholderKind.Int64), new PlaceholderDescriptor("limit", PlaceholderKind.Int64), new PlaceholderDescriptor("retryAfter", PlaceholderKind.Seconds)],
            [new HeaderTemplate("Retry-After", [TemplateSegment.Argument("retryAfter")])],
            shape: "flat");
        return new ApiErrorCatalog(defaultShape: null, [flat], [quota]);
    }

    private static Task<TestApi> StartAsync() => TestApi.StartAsync(
        Config,
        static app => app.MapErrorCatalogDocs(),
        configure: static builder => builder.Services.Configure<ApiErrorCatalogOptions>(static o => o.Catalog = Catalog()));

    [Fact]
    public async Task RefusalTypeUri_OpensThatEntrysSection()
    {
        await using var api = await StartAsync();

        using var admitted = await api.GetAsync("/ok", Key);
        using var refused = await api.GetAsync("/ok", Key);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsByteArrayAsync());
        var type = body.RootElement.GetProperty("type").GetString()!;
        using var section = await api.GetAsync(type);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("/errors/quota-used", type);
        Assert.Equal(HttpStatusCode.OK, section.StatusCode);
        var html = await section.Content.ReadAsStringAsync();
        Assert.Contains("<section class=\"error\" id=\"quota-used\"><h1>quota_used</h1>", html);
        Assert.Contains("<dt>Detail</dt><dd><code>You have used {used} of {limit} requests.</code></dd>", html);
        // The example is the entry's own shape, as the refusal above was written.
        Assert.Contains("Content-Type: application/json\nRetry-After: 42\n", html);
        Assert.Contains("\"retry_after_seconds\": 42", html);
        Assert.Contains("\"error\": \"quota_used\"", html);
    }

    [Fact]
    public async Task Page_ListsTheAppsEntries_BeforeTheDefaultsItFallsBackTo()
    {
        await using var api = await StartAsync();

        var html = await api.Client.GetStringAsync("/errors");

        Assert.Contains("id=\"quota-used\"", html);
        Assert.Contains("id=\"api-key-invalid\"", html); // a refusal the app leaves to the defaults
        Assert.True(html.IndexOf("id=\"quota-used\"", StringComparison.Ordinal) < html.IndexOf("id=\"api-key-invalid\"", StringComparison.Ordinal));
        Assert.DoesNotContain("id=\"api-key-plan-minute-rate-limit-reached\"", html); // the app answers the minute limit itself
    }

    [Fact]
    public async Task Export_WritesWhatIsServed()
    {
        await using var api = await StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "errorcatalog-docs-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.False(await api.App.TryExportErrorCatalogDocsAsync(["--urls", "http://localhost:5000"]));
            Assert.True(await api.App.TryExportErrorCatalogDocsAsync(["errorcatalog-docs", directory]));

            Assert.Equal(await api.Client.GetByteArrayAsync("/errors"), await File.ReadAllBytesAsync(Path.Combine(directory, "index.html")));
            Assert.Equal(await api.Client.GetByteArrayAsync("/errors.json"), await File.ReadAllBytesAsync(Path.Combine(directory, "errors.json")));
            Assert.Equal(await api.Client.GetByteArrayAsync("/errors/errors.yaml"), await File.ReadAllBytesAsync(Path.Combine(directory, "errors.yaml")));
            Assert.Equal(await api.Client.GetByteArrayAsync("/errors/quota-used"), await File.ReadAllBytesAsync(Path.Combine(directory, "quota-used", "index.html")));
            Assert.True(File.Exists(Path.Combine(directory, "api-key-invalid", "index.html")));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ExportCommand_WithoutDirectory_SaysWhatItNeeds()
    {
        await using var api = await StartAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => api.App.TryExportErrorCatalogDocsAsync(["errorcatalog-docs"]));

        Assert.Contains("errorcatalog-docs <directory>", error.Message);
    }
}
