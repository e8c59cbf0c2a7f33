extern alias QuickStart;

using System.Net;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using ErrorCatalog.Client;
using ErrorCatalog.Generator.Tests.Harness;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// The errors.yaml each sample's docs page serves (<c>/errors/errors.yaml</c>), fed to the generator in client mode as
/// a client of that API would: no diagnostics, the entries the page lists with the codes, statuses, titles,
/// placeholders and shapes the API answers with, and real error responses of the sample read to the same errors as
/// with the sample's own catalog.
/// </summary>
public sealed class PublishedCatalogTests
{
    private const string ClientNamespace = "Published.Client";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);

    // Texts YAML would read otherwise unquoted (a comment, a flow indicator, a boolean, a key), braces that are not
    // placeholders, escapes and non-ASCII text, in the detail, headers and a shape of nested objects and literals; and
    // a numeric code a listed default entry (API_KEY_MISSING) writes too.
    private const string TrickyCatalog = """
        defaultShape: odd
        shapes:
          odd:
            contentType: application/json; charset=utf-8
            body:
              error: "{$code}"
              "key: with colon": "literal {{braces}} and \"quotes\""
              nested:
                empty: {}
                number: 1.5
                negative: -3
                flag: false
                nothing: null
                text: "#not a comment"
                mixed: "{$code} at {$timestamp}: {used}"
              $args: true
        errors:
          - code: "'quoted' code: #1"
            numericCode: -32000
            status: 429
            title: "Quotes \" backslash \\ tab \t and é ü 日本 😀 # not a comment"
            detail: "Used {used:long} of {{limit}}\nsecond line: [a, b] {{ok}} *star &amp !tag"
            resolution: "- a dash: a colon, & * ! % @ ` | > and 'yes'"
            args:
              retryAfter: seconds
              when: timestamp
              enabled: bool
            headers:
              Retry-After: "{retryAfter}"
              X-Used: "used={used}; at {when}; enabled={enabled}; {{braces}}"
          - code: plain
            numericCode: 1002
            status: 500
            title: "yes"
            detail: "null"
            shape: problem
        """;

    public static TheoryData<string> SampleNames => [.. Samples.Keys];

    private static readonly Dictionary<string, Sample> Samples = new(StringComparer.Ordinal)
    {
        ["FxRates"] = new(
            Host<global::FxRates.FxRatesApp>,
            global::FxRates.ApiErrors.Catalog,
            [
                new(HttpMethod.Get, "/v1/rates/live?pair=EURUSD", "X-API-Key", null),
                new(HttpMethod.Get, "/v1/rates/live?pair=EURUSD", "X-API-Key", "fx_not_a_key"),
                new(HttpMethod.Get, "/v1/rates/spread?pair=EURUSD", "X-API-Key", "fx_free_demo_key_0001"),
                new(HttpMethod.Get, "/v1/rates/live?pair=EURUSD", "X-API-Key", "fx_free_demo_key_0001", Times: 11),
            ]),
        ["CoinApi"] = new(
            Host<global::CoinApi.NodeApi>,
            global::CoinApi.ApiErrors.Catalog,
            [
                new(HttpMethod.Post, "/", "X-CoinAPI-Key", null, Rpc("eth_blockNumber")),
                new(HttpMethod.Post, "/", "X-CoinAPI-Key", "coin_not_a_key", Rpc("eth_blockNumber")),
                new(HttpMethod.Post, "/", "X-CoinAPI-Key", "coin_team_revoked_demo_0004", Rpc("eth_blockNumber")),
                new(HttpMethod.Post, "/", "X-CoinAPI-Key", "coin_team_key_one_demo_0001", Rpc("no_such_method")),
                new(HttpMethod.Get, "/", "X-CoinAPI-Key", "coin_team_key_one_demo_0001"),
            ]),
        ["CoinMarketCap"] = new(
            Host<global::CoinMarketCap.CoinMarketCapApp>,
            global::CoinMarketCap.ApiErrors.Catalog,
            [
                new(HttpMethod.Get, "/v1/cryptocurrency/listings/latest", "X-CMC_PRO_API_KEY", null),
                new(HttpMethod.Get, "/v1/cryptocurrency/listings/latest", "X-CMC_PRO_API_KEY", "cmc_not_a_key"),
                new(HttpMethod.Get, "/v1/cryptocurrency/listings/latest", "X-CMC_PRO_API_KEY", "cmc_disabled_demo_key_0005"),
                new(HttpMethod.Get, "/v1/cryptocurrency/listings/latest", "X-CMC_PRO_API_KEY", "cmc_unpaid_demo_key_0003"),
                new(HttpMethod.Get, "/v1/tools/broken", "X-CMC_PRO_API_KEY", "cmc_pro_demo_key_0002"),
            ]),
        ["Proceeds"] = new(
            Host<global::Proceeds.ProceedsApi>,
            global::Proceeds.ApiErrors.Catalog,
            [
                new(HttpMethod.Get, "/v1/paywalls", "X-API-Key", null),
                new(HttpMethod.Get, "/v1/paywalls", "X-API-Key", "prc_not_a_key"),
                new(HttpMethod.Get, "/v1/paywalls", "X-API-Key", "prc_demo_revoked_key_0003"),
                new(HttpMethod.Get, "/v1/paywalls", "X-API-Key", "prc_demo_expired_key_0004"),
                new(HttpMethod.Get, "/v1/paywalls", "X-API-Key", "prc_demo_inactive_key_0005"),
            ]),
        ["QuickStart"] = new(
            Host<QuickStart::Program>,
            null,
            [
                new(HttpMethod.Get, "/v1/rates/EUR-USD", "X-API-Key", null),
                new(HttpMethod.Get, "/v1/rates/EUR-USD", "X-API-Key", "qs_not_a_key"),
            ]),
    };

    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task ServedYaml_InClientMode_ListsTheEntriesTheApiAnswersWithAsItWritesThem(string name)
    {
        var sample = Samples[name];
        await using var host = sample.Create();

        await AssertPublishesAsync(host.Client, sample.Own ?? ErrorCatalog.Defaults.ApiErrors.Catalog);
    }

    [Fact]
    public async Task ServedYaml_QuotesEveryText_SoTheClientReadsTheSameTextsAndShapes()
    {
        var own = Compile(TrickyCatalog, client: false);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        // A section of its own: the samples' appsettings.json files are copied beside the tests.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tricky:Plans:free:Unlimited"] = "true" });
        builder.Services.AddApiErrorCatalog(builder.Configuration.GetSection("Tricky"), o => o.Catalog = own);
        await using var app = builder.Build();
        app.UseApiErrorCatalog();
        app.MapErrorCatalogDocs();
        await app.StartAsync();

        var published = await AssertPublishesAsync(app.GetTestClient(), own);

        var tricky = published.Find("'quoted' code: #1")!;
        Assert.Equal("Quotes \" backslash \\ tab \t and é ü 日本 😀 # not a comment", tricky.Title);
        Assert.Equal("- a dash: a colon, & * ! % @ ` | > and 'yes'", tricky.Resolution);
        Assert.Equal("yes", published.Find("plain")!.Title);

        // The default API_KEY_MISSING answers a missing key and writes 1002 too; the number stays the app's entry's.
        Assert.Equal(1002, ErrorCatalog.Defaults.ApiErrors.Catalog.Find("API_KEY_MISSING")!.NumericCode);
        Assert.Null(published.Find("API_KEY_MISSING")!.NumericCode);
        Assert.Equal("plain", published.Find(1002)!.Code);
    }

    /// <summary>
    /// The served errors.yaml, read by the generator in client mode, lists the entries of errors.json: each as
    /// <paramref name="own"/> (else the defaults) declares it, in the shape the page names, every shape as the app's.
    /// </summary>
    private static async Task<ApiErrorCatalog> AssertPublishesAsync(HttpClient client, ApiErrorCatalog own)
    {
        var published = await PublishedAsync(client);

        using var listed = JsonDocument.Parse(await client.GetByteArrayAsync("/errors.json"));
        var entries = listed.RootElement.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(entries.Select(static e => e.GetProperty("code").GetString()), published.Errors.Take(entries.Length).Select(static e => e.Code));
        var numbers = new HashSet<int?>();
        foreach (var entry in entries)
        {
            var code = entry.GetProperty("code").GetString()!;
            var actual = published.Find(code)!;
            var expected = own.Find(code) ?? ErrorCatalog.Defaults.ApiErrors.Catalog.Find(code)!;
            AssertSameEntry(expected, actual);

            // A number an earlier entry (the app's) has stays that entry's, as a lookup by number on the server finds.
            Assert.Equal(expected.NumericCode is null || numbers.Add(expected.NumericCode) ? expected.NumericCode : null, actual.NumericCode);
            Assert.Equal(expected.NumericCode, entry.GetProperty("numericCode").ValueKind == JsonValueKind.Null ? null : entry.GetProperty("numericCode").GetInt32());
            Assert.Equal(entry.GetProperty("shape").GetString(), actual.Shape.Name);
            AssertSameShape(own.Shapes.TryGetValue(actual.Shape.Name, out var shape) ? shape : BodyShape.Problem, actual.Shape);
        }

        // Past the page's entries, at most the one the page answers an unknown entry with (a default such as NOT_FOUND).
        var notFound = Assert.Single(await ReadAsync(client, "/errors/no-such-entry", published));
        Assert.True(published.Errors.Count == entries.Length || (published.Errors.Count == entries.Length + 1 && published.Errors[^1] == notFound.Descriptor));
        foreach (var extra in published.Errors.Skip(entries.Length))
        {
            AssertSameEntry(own.Find(extra.Code) ?? ErrorCatalog.Defaults.ApiErrors.Catalog.Find(extra.Code)!, extra);
            AssertSameShape(own.DefaultShape, extra.Shape);
        }

        Assert.Equal(own.DefaultShape.Name, published.DefaultShape.Name);
        foreach (var shape in own.Shapes.Values)
        {
            AssertSameShape(shape, published.GetShape(shape.Name));
        }

        return published;
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task RealErrors_ReadWithTheServedYaml_AreTheErrorsTheSamplesOwnCatalogReads(string name)
    {
        var sample = Samples[name];
        await using var host = sample.Create();
        var own = sample.Own ?? ErrorCatalog.Defaults.ApiErrors.Catalog;
        var published = await PublishedAsync(host.Client);

        var requests = sample.Requests.Append(new Request(HttpMethod.Get, "/errors/no-such-entry", "X-Unused", null));
        if (sample.Own is null)
        {
            // QuickStart writes any entry by code: every listed one, from the real writer.
            requests = requests.Concat(published.Errors.Select(static e => new Request(HttpMethod.Get, "/v1/errors/" + e.Code, "X-Unused", null)));
        }

        foreach (var request in requests)
        {
            using var response = await SendAsync(host.Client, request);
            Assert.True((int)response.StatusCode >= 400, $"{request.Path}: {(int)response.StatusCode}");

            var fromPublished = await response.ReadCatalogErrorAsync(published);
            var fromOwn = await response.ReadCatalogErrorAsync(own);

            Assert.NotNull(fromPublished);
            Assert.NotNull(fromOwn);
            Assert.True(fromPublished.Descriptor is not null, $"{request.Path} ({request.Key}): {fromPublished}");
            Assert.Equal(fromOwn.Code, fromPublished.Code);
            Assert.Equal(fromOwn.NumericCode, fromPublished.NumericCode);
            Assert.Equal(fromOwn.Status, fromPublished.Status);
            if (fromOwn.Descriptor is not null)
            {
                Assert.Equal(fromOwn.Descriptor.Code, fromPublished.Descriptor.Code);
                Assert.Equal(fromOwn.Arguments.OrderBy(static a => a.Key, StringComparer.Ordinal), fromPublished.Arguments.OrderBy(static a => a.Key, StringComparer.Ordinal));
                Assert.Equal(fromOwn.RetryAfter, fromPublished.RetryAfter);
            }
        }
    }

    /// <summary>GET errors.yaml from the page, and the catalog the generator makes of it for a client project.</summary>
    private static async Task<ApiErrorCatalog> PublishedAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/errors/errors.yaml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var yaml = await response.Content.ReadAsStringAsync();
        return Compile(yaml, client: true);
    }

    /// <summary>The catalog the generator makes of <paramref name="yaml"/>, in a client project or an API's, compiled and loaded.</summary>
    private static ApiErrorCatalog Compile(string yaml, bool client)
    {
        var compilation = client ? GeneratorHarness.CreateClientCompilation() : GeneratorHarness.CreateCompilation();
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(yaml, ClientNamespace), compilation);

        Assert.True(run.GeneratorDiagnostics.IsEmpty, string.Join("\n", run.GeneratorDiagnostics) + "\n" + yaml);
        var warnings = run.CompilationDiagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, string.Join("\n", warnings));
        using var assembly = new MemoryStream();
        var emitted = run.OutputCompilation.Emit(assembly);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        assembly.Position = 0;
        var loaded = new AssemblyLoadContext("published-" + Guid.NewGuid().ToString("N")).LoadFromStream(assembly);
        return (ApiErrorCatalog)loaded.GetType(ClientNamespace + ".ApiErrors", throwOnError: true)!.GetProperty("Catalog")!.GetValue(null)!;
    }

    private static void AssertSameEntry(ErrorDescriptor expected, ErrorDescriptor actual)
    {
        Assert.Equal(expected.Code, actual.Code);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.Resolution, actual.Resolution);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Refusal, actual.Refusal);
        Assert.Equal(expected.Placeholders.Select(static p => (p.Name, p.Kind)), actual.Placeholders.Select(static p => (p.Name, p.Kind)));
        Assert.Equal(Text(expected.Detail), Text(actual.Detail));
        Assert.Equal(expected.Headers.Select(static h => (h.Name, Text(h.Value))), actual.Headers.Select(static h => (h.Name, Text(h.Value))));
    }

    private static void AssertSameShape(BodyShape expected, BodyShape actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(Text(expected.Root), Text(actual.Root));
    }

    /// <summary>A shape's tree as text: kind, name and what each node writes.</summary>
    private static string Text(ShapeNode node) => node.Kind switch
    {
        ShapeNodeKind.Object => $"{node.Name}{{{string.Join(",", node.Children.Select(Text))}}}",
        ShapeNodeKind.Literal => $"{node.Name}={Encoding.UTF8.GetString(node.LiteralJson)}",
        ShapeNodeKind.Template => $"{node.Name}=\"{Text(node.Template)}\"",
        ShapeNodeKind.Arguments => "$args",
        _ => $"{node.Name}={(node.Placeholder is { } name ? name : "$" + node.System)}",
    };

    /// <summary>A template as text, each segment marked by its kind.</summary>
    private static string Text(TemplateSegment[] segments) => string.Concat(segments.Select(static s =>
        s.Utf8 is { } literal ? "'" + Encoding.UTF8.GetString(literal) + "'" : s.Placeholder is { } name ? "{" + name + "}" : "{$" + s.System + "}"));

    /// <summary>The error <paramref name="catalog"/> reads of the answer to GET <paramref name="path"/>, if the answer is one.</summary>
    private static async Task<CatalogError[]> ReadAsync(HttpClient client, string path, ApiErrorCatalog catalog)
    {
        using var response = await client.GetAsync(path);
        return (int)response.StatusCode >= 400 && await response.ReadCatalogErrorAsync(catalog) is { Descriptor: not null } error ? [error] : [];
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Request request)
    {
        for (var i = 1; ; i++)
        {
            using var message = new HttpRequestMessage(request.Method, request.Path)
            {
                Content = request.Json is null ? null : new StringContent(request.Json, Encoding.UTF8, "application/json"),
            };
            if (request.Key is not null)
            {
                message.Headers.TryAddWithoutValidation(request.KeyHeader, request.Key);
            }

            var response = await client.SendAsync(message);
            if (i >= request.Times)
            {
                await response.Content.LoadIntoBufferAsync();
                return response;
            }

            response.Dispose();
        }
    }

    private static Hosted Host<TApp>()
        where TApp : class
    {
        var host = new SampleHost<TApp>(Start);
        return new Hosted(host, host.Client);
    }

    private static string Rpc(string method) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", method, @params = Array.Empty<object>(), id = 1 });

    /// <summary>A request that a sample answers with an error (the last of <paramref name="Times"/> sent).</summary>
    private sealed record Request(HttpMethod Method, string Path, string KeyHeader, string? Key, string? Json = null, int Times = 1);

    /// <summary>A sample's host, its own catalog (null: the library's defaults) and requests it refuses.</summary>
    private sealed record Sample(Func<Hosted> Create, ApiErrorCatalog? Own, Request[] Requests);

    /// <summary>A running sample and its client.</summary>
    private sealed class Hosted(IAsyncDisposable host, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
