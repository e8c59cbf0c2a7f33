using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Bad variants of the five samples' own <c>ApiErrorCatalog</c> sections (samples/*/appsettings.json), each started
/// as an app would: every one must stop the app at start-up with an <see cref="OptionsValidationException"/> whose
/// message names the setting, one problem per line. None may start (silently wrong) or start and then fail requests.
/// </summary>
public sealed class BadConfigurationCorpusTests(ITestOutputHelper output)
{
    private const string ProbeKey = "corpus-probe-key-0001";

    private static readonly string[] Samples = ["QuickStart", "CoinMarketCap", "FxRates", "CoinApi", "Proceeds"];

    public static TheoryData<string> VariantNames => [.. Variants.Select(v => v.Name)];

    /// <summary>Each sample's section, as this test runs it: the valid starting point of its variants.</summary>
    public static TheoryData<string> SampleNames => [.. Samples];

    /// <summary>The variants: a sample, what is changed, and the setting the error must name.</summary>
    private static IReadOnlyList<Variant> Variants { get; } =
    [
        // The issue's own cases.
        Set("QuickStart", "ApiKeys:0:AllowedIps", "\"10.0.0.1\""),
        Set("QuickStart", "IpLimit", "\"600/minute\""),
        Set("CoinApi", "JsonRpc:DefaultCost", "-10"),
        Set("CoinApi", "JsonRpc:Methods:eth_call", "-20"),
        Set("CoinApi", "ApiKeys:0:Limits:credits", "-500"),
        Set("QuickStart", "ApiKeys:2:State", "99"),
        Set("CoinMarketCap", "Subscriptions:pro-lapsed:State", "\"5\""),
        Set("QuickStart", "Plans:free", "null"),
        Set("QuickStart", "Plans:free:Limits", "null", expect: "Plans:free"),
        Set("QuickStart", "Plans:free:Limits", "{}", expect: "Plans:free"),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"36600.00:00:00\""),
        Rename("QuickStart", "Plans:free:Limits:minute:PermitLimit", "PermitLimt"),

        // Wrong types.
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "\"ten\""),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "true"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "10.5"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "[10]"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "{ \"value\": 10 }"),
        Set("QuickStart", "Plans:free:Limits:minute:Sliding", "\"yes\""),
        Set("QuickStart", "Plans:free:Limits", "\"minute\""),
        Set("QuickStart", "Plans", "\"free\""),
        Set("QuickStart", "Subscriptions:acme", "\"pro\""),
        Set("QuickStart", "Keys", "\"X-API-Key\""),
        Set("QuickStart", "KeyReading:Headers", "\"X-Api-Token\""),
        Set("QuickStart", "ApiKeys:0", "\"demo-free\""),
        Set("QuickStart", "ApiKeys:1:Scopes", "\"rates:read\""),
        Set("QuickStart", "Plans:pro:Features", "\"spread\""),
        Set("QuickStart", "Headers", "3"),
        Set("QuickStart", "Headers", "\"XRateLimit, Bogus\""),
        Set("QuickStart", "Headers", "\"\""),
        Set("QuickStart", "KeyReading:Required", "\"yes\""),
        Set("QuickStart", "KeyReading:MaxLength", "\"long\""),
        Set("QuickStart", "ApiKeys:0:ExpiresAt", "\"next week\""),
        Set("QuickStart", "ApiKeys:0:ExpiresAt", "\"2030-01-01T00:00:00\""),
        Set("QuickStart", "ApiKeys:0:Overage", "\"maybe\""),
        Set("QuickStart", "UpgradeUrl", "{ \"href\": \"https://example.com\" }"),
        Set("QuickStart", "ConcurrencyRetryAfter", "\"soon\""),
        Set("QuickStart", "IpLimit", "[]"),

        // Negative, zero where meaningless, and huge numbers.
        Set("QuickStart", "DefaultCredits", "-1"),
        Set("QuickStart", "ConcurrencyRetryAfter", "\"-00:00:01\""),
        Set("QuickStart", "ConcurrencyRetryAfter", "\"00:00:00\""),
        Set("QuickStart", "IdleCounterRetention", "\"10675199.00:00:00\""),
        Set("QuickStart", "ConcurrencyRetryAfter", "\"10675199.00:00:00\""),
        Set("QuickStart", "KeyReading:CacheDuration", "\"10675199.00:00:00\""),
        Set("QuickStart", "KeyReading:CacheDuration", "\"-00:00:05\""),
        Set("QuickStart", "KeyReading:HashCacheSize", "-1"),
        Set("QuickStart", "KeyReading:MaxLength", "4"),
        Set("QuickStart", "KeyReading:QueryParameter", "\"\""),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "-1"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "9223372036854775807"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "1e30"),
        Set("QuickStart", "IpLimit:PermitLimit", "-5"),
        Set("CoinApi", "Subscriptions:team:Limits:credits", "-1"),
        Set("CoinApi", "Subscriptions:team:Limits:credits", "9223372036854775807"),
        Set("CoinApi", "ApiKeys:0:Limits:credits", "9223372036854775807"),
        Set("CoinApi", "JsonRpc:Methods:eth_call", "9223372036854775807"),
        Set("CoinApi", "JsonRpc:DefaultCost", "9223372036854775807"),
        Set("CoinMarketCap", "DefaultCredits", "9223372036854775807"),

        // Unknown names.
        Rename("QuickStart", "Plans:free:Limits:minute:Window", "Windw"),
        Add("QuickStart", "ApiKeys:0:Sope", "\"rates:read\""),
        Rename("Proceeds", "ApiKeys:5:AllowedIps", "AllowedIP"),
        Rename("QuickStart", "IpLimit", "IpLimits"),
        Add("QuickStart", "KeyReading:Header", "[ \"X-Key\" ]"),
        Rename("FxRates", "Plans:free:Limits", "Limit"),
        Rename("CoinApi", "JsonRpc:Methods", "Method"),
        Add("CoinMarketCap", "Subscriptions:pro-paid:Sate", "\"PaymentRequired\""),
        Add("QuickStart", "Reddis", "{ \"Configuration\": \"127.0.0.1:6379\" }"),
        Add("QuickStart", "Catalog", "\"ApiErrors\""),
        Add("QuickStart", "IpLimit:Scope", "\"Key\""),
        Add("QuickStart", "Plans:free:Limits:minute:Burst", "5"),
        Add("CoinApi", "Plans:naas:Limits:credits:Overage", "true"),

        // Nulls: JSON null binds as the type's default.
        Set("QuickStart", "Plans:free:Limits:minute", "null"),
        Set("QuickStart", "Plans:free:Limits:minute:PermitLimit", "null"),
        Set("QuickStart", "Subscriptions:acme", "null"),
        Set("QuickStart", "ApiKeys:0", "null"),
        Set("QuickStart", "ApiKeys:2:State", "null"),
        Set("QuickStart", "ApiKeys:0:Hash", "null"),
        Set("QuickStart", "KeyReading:Headers:0", "null"),
        Set("QuickStart", "ApiKeys:0:AllowedIps", "[ null ]"),
        Set("QuickStart", "Subscriptions:unpaid:State", "null"),
        Set("QuickStart", "Headers", "null"),
        Set("QuickStart", "Plans:pro:Features", "[ null ]"),
        Set("CoinApi", "JsonRpc:DefaultCost", "null"),
        Set("CoinApi", "JsonRpc:Methods:eth_call", "null"),
        Set("CoinMarketCap", "UnhandledExceptionError", "null"),

        // Enums out of range, as numbers or as numeric text.
        Set("QuickStart", "Plans:pro:Limits:concurrency:Kind", "2"),
        Set("QuickStart", "Plans:pro:Limits:concurrency:Kind", "\"2\""),
        Set("CoinApi", "Plans:naas:Limits:credits:Scope", "\"1\""),
        Set("CoinMarketCap", "Plans:free:Limits:day:Refusal", "3"),
        Set("QuickStart", "ApiKeys:2:State", "\"Revoked, Disabled\""),
        Set("QuickStart", "ApiKeys:2:State", "\"-1\""),
        Set("QuickStart", "Subscriptions:unpaid:State", "\"PaymentRequird\""),
        Set("QuickStart", "Headers", "\"1, 2\""),

        // IP addresses and CIDR ranges.
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"10.0.0.0/33\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"10\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"010.0.0.1\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"10.1\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"10.0.0.1/8\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"office\""),
        Set("Proceeds", "ApiKeys:5:AllowedIps:0", "\"10.0.0.0 /8\""),

        // Names that refer to nothing.
        Set("QuickStart", "Subscriptions:acme:Plan", "\"gold\""),
        Set("QuickStart", "ApiKeys:0:Plan", "\"Free\""),
        Set("QuickStart", "ApiKeys:1:Subscription", "\"acme2\""),
        Rename("CoinApi", "ApiKeys:0:Limits:credits", "credit"),
        Add("CoinMarketCap", "Subscriptions:pro-paid:Limits", "{ \"minute\": 5 }"),
        Add("QuickStart", "ApiKeys:1:Plan", "\"free\"", expect: "ApiKeys:1"),
        Set("CoinMarketCap", "StatusErrors:404", "\"NO_SUCH_CODE\""),
        Set("FxRates", "Plans:free:Limits:minute:Error", "\"no_such_code\""),

        // Duplicates.
        Set("QuickStart", "ApiKeys:1:Hash", "\"c336b96ffbe8ed26c1381ff77f20a4069813fd7c83f3d3dc35c0d96bc51be126\""),
        Set("QuickStart", "ApiKeys:1:Id", "\"demo-free\""),

        // Empty strings.
        Set("QuickStart", "ApiKeys:0:Id", "\"\""),
        Set("QuickStart", "ApiKeys:0:Hash", "\"\""),
        Set("QuickStart", "Subscriptions:acme:Plan", "\"\""),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"\""),
        Set("FxRates", "Plans:free:Limits:minute:Error", "\"\""),
        Set("FxRates", "Plans:free:Limits:minute:Description", "\"\""),
        Set("QuickStart", "ApiKeys:1:Scopes:0", "\"\""),
        Set("QuickStart", "Plans:pro:Features:0", "\"\""),
        Set("CoinMarketCap", "StatusErrors:404", "\"\""),
        Set("QuickStart", "ApiKeys:0:Plan", "\"\""),
        Set("QuickStart", "KeyReading:Headers:0", "\"\""),

        // Windows.
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"60\""),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "60"),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"10675199.02:48:05.4775807\""),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"00:00:00.5\""),
        Set("QuickStart", "Plans:free:Limits:minute:Window", "\"fortnight\""),
        Add("QuickStart", "Plans:pro:Limits:concurrency:Window", "\"minute\""),
        Remove("QuickStart", "Plans:free:Limits:minute:Window"),
        Set("FxRates", "Plans:free:Limits:minute:Window", "\"36600.00:00:00\""),
        Set("FxRates", "Plans:free:Limits:month:Window", "\"3000000.00:00:00\""),
        Set("FxRates", "Plans:free:Limits:minute:Window", "\"60\""),
        Set("CoinMarketCap", "Plans:free:Limits:day:Window", "\"10675199.00:00:00\""),
        Set("CoinApi", "Plans:naas:Limits:credits:Window", "\"1\""),

        // Other settings that would start and behave wrongly.
        Add("CoinMarketCap", "StatusErrors:200", "\"NOT_FOUND\""),
        Add("CoinMarketCap", "StatusErrors:abc", "\"NOT_FOUND\""),
        Add("QuickStart", "Plans:free:Limits:minute:Scope", "\"Ip\""),
        Add("QuickStart", "Plans:free:Unlimited", "true"),
        Remove("QuickStart", "Plans:free:Limits:minute:PermitLimit"),
        Set("QuickStart", "ApiKeys", "{ \"first\": { \"Id\": \"x\" } }"),
    ];

    [Theory]
    [MemberData(nameof(VariantNames))]
    public async Task BadVariant_FailsAtStartUp_NamingTheSetting_OneProblemPerLine(string name)
    {
        var variant = Variants.Single(v => v.Name == name);

        var outcome = await RunAsync(variant);

        Assert.True(outcome.Kind == OutcomeKind.RejectedClearly, $"{name}: {outcome.Kind}: {outcome.Detail}");
        Assert.All(outcome.Detail.Split(Environment.NewLine), line => Assert.StartsWith("ApiErrorCatalog:", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corpus_NoneStartsSilently_NoneFailsAfterStarting()
    {
        var counts = new Dictionary<OutcomeKind, int>();
        foreach (var variant in Variants)
        {
            var outcome = await RunAsync(variant);
            counts[outcome.Kind] = counts.GetValueOrDefault(outcome.Kind) + 1;
            if (outcome.Kind != OutcomeKind.RejectedClearly)
            {
                output.WriteLine($"{outcome.Kind,-26} {variant.Name}: {outcome.Detail.ReplaceLineEndings(" | ")}");
            }
        }

        output.WriteLine($"{Variants.Count} variants: " + string.Join(", ", Enum.GetValues<OutcomeKind>().Select(k => $"{k} {counts.GetValueOrDefault(k)}")));
        Assert.Equal(0, counts.GetValueOrDefault(OutcomeKind.AcceptedSilently));
        Assert.Equal(0, counts.GetValueOrDefault(OutcomeKind.StartedThenFailed));
        Assert.Equal(Variants.Count, counts.GetValueOrDefault(OutcomeKind.RejectedClearly));
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task SampleSection_AsShipped_Starts(string sample)
    {
        var outcome = await RunAsync(new Variant($"{sample}: as shipped", sample, static _ => { }, "ApiErrorCatalog"));

        Assert.True(outcome.Kind == OutcomeKind.AcceptedSilently, $"{sample}: {outcome.Kind}: {outcome.Detail}");
    }

    /// <summary>Starts the variant; a started app is asked one request with a key of its own.</summary>
    private static async Task<Outcome> RunAsync(Variant variant)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "samples", variant.Sample, "appsettings.json")))!.AsObject();
        var section = root["ApiErrorCatalog"]!.AsObject();
        Normalize(section);
        var plan = section["Plans"]!.AsObject().First().Key;
        var header = (section["KeyReading"] ?? section["Keys"])?["Headers"]?[0]?.GetValue<string>() ?? KeyHeader;
        section["ApiKeys"]!.AsArray().Add(new JsonObject { ["Id"] = "corpus-probe", ["Hash"] = Hash(ProbeKey), ["Plan"] = plan });
        variant.Change(section);

        TestApi api;
        try
        {
            api = await StartAsync(new JsonObject { ["ApiErrorCatalog"] = section.DeepClone() }.ToJsonString());
        }
        catch (OptionsValidationException ex)
        {
            var named = ex.Message.Contains(variant.Expected, StringComparison.Ordinal);
            return new Outcome(named ? OutcomeKind.RejectedClearly : OutcomeKind.RejectedWithoutTheSetting, ex.Message);
        }
        catch (Exception ex)
        {
            return new Outcome(OutcomeKind.RejectedWithoutTheSetting, $"{ex.GetType().Name}: {ex.Message}");
        }

        await using (api)
        {
            using var response = await api.GetAsync("/ok", header == "Authorization" ? $"Bearer {ProbeKey}" : ProbeKey, ip: "10.1.2.3", header: header);
            return response.StatusCode == HttpStatusCode.InternalServerError
                ? new Outcome(OutcomeKind.StartedThenFailed, "500 on a request")
                : new Outcome(OutcomeKind.AcceptedSilently, $"started; a request answered {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Removes the codes the library's default catalog lacks (the samples answer from their own errors.yaml), so each
    /// section starts here as it does in its sample; nothing else is changed.
    /// </summary>
    private static void Normalize(JsonObject section)
    {
        static bool Known(JsonNode? code) => code is not null && ApiErrors.Catalog.Find(code.GetValue<string>()) is not null;

        if (section["StatusErrors"] is JsonObject statusErrors)
        {
            foreach (var (status, code) in statusErrors.ToList().Where(e => !Known(e.Value)))
            {
                statusErrors.Remove(status);
            }
        }

        if (section["UnhandledExceptionError"] is { } unhandled && !Known(unhandled))
        {
            section.Remove("UnhandledExceptionError");
        }

        if (section["JsonRpc"]?["ParseError"] is { } parseError && !Known(parseError))
        {
            section["JsonRpc"]!.AsObject().Remove("ParseError");
        }

        foreach (var limit in section["Plans"]!.AsObject().SelectMany(p => p.Value!["Limits"]!.AsObject()).Select(l => l.Value!.AsObject()).Append(section["IpLimit"] as JsonObject))
        {
            if (limit?["Error"] is { } error && !Known(error))
            {
                limit.Remove("Error");
            }
        }
    }

    private static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ErrorCatalog.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ErrorCatalog.sln not found above " + AppContext.BaseDirectory);
    }

    private static Variant Set(string sample, string path, string json, string? expect = null) =>
        new($"{sample}: {path} = {json}", sample, section => Parent(section, path, out var name).SetItem(name, JsonNode.Parse(json)), "ApiErrorCatalog:" + (expect ?? path));

    private static Variant Add(string sample, string path, string json, string? expect = null) =>
        Set(sample, path, json, expect) with { Name = $"{sample}: + {path} = {json}" };

    private static Variant Remove(string sample, string path) =>
        new($"{sample}: - {path}", sample, section => Parent(section, path, out var name).RemoveItem(name), "ApiErrorCatalog:" + path);

    private static Variant Rename(string sample, string path, string newName) =>
        new($"{sample}: {path} -> {newName}", sample, section =>
        {
            var parent = Parent(section, path, out var name).AsObject();
            var value = parent[name];
            parent.Remove(name);
            parent[newName] = value;
        }, "ApiErrorCatalog:" + path[..(path.LastIndexOf(':') + 1)] + newName);

    /// <summary>The node holding the last segment of <paramref name="path"/>.</summary>
    private static JsonNode Parent(JsonObject section, string path, out string name)
    {
        var segments = path.Split(':');
        JsonNode node = section;
        foreach (var segment in segments[..^1])
        {
            node = (node is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : node[segment])!;
        }

        name = segments[^1];
        return node;
    }

    private enum OutcomeKind
    {
        RejectedClearly,
        RejectedWithoutTheSetting,
        StartedThenFailed,
        AcceptedSilently,
    }

    private sealed record Outcome(OutcomeKind Kind, string Detail);

    private sealed record Variant(string Name, string Sample, Action<JsonObject> Change, string Expected);
}

/// <summary>Sets or removes an object member or array item by name.</summary>
file static class JsonNodeEdits
{
    public static void SetItem(this JsonNode node, string name, JsonNode? value)
    {
        if (node is JsonArray array)
        {
            array[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            node.AsObject()[name] = value;
        }
    }

    public static void RemoveItem(this JsonNode node, string name)
    {
        if (node is JsonArray array)
        {
            array.RemoveAt(int.Parse(name, System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            node.AsObject().Remove(name);
        }
    }
}
