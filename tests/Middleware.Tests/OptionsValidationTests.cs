using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>A bad configuration stops the app at start-up, naming the setting's configuration path.</summary>
public sealed class OptionsValidationTests
{
    private static readonly string GoodHash = Hash("a-key-for-validation");

    /// <summary>A valid configuration, each part replaceable.</summary>
    private static string Config(
        string? plans = null,
        string? subscriptions = null,
        string? keys = null,
        string? extra = null) => $$"""
        {
          "ApiErrorCatalog": {
            {{extra ?? string.Empty}}
            "Plans": {{plans ?? """{ "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } } }"""}},
            "Subscriptions": {{subscriptions ?? """{ "acme": { "Plan": "free" } }"""}},
            "ApiKeys": {{keys ?? $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Subscription": "acme" } ]"""}}
          }
        }
        """;

    public static TheoryData<string, string, string> BadConfigurations => new()
    {
        {
            "unknown plan in a subscription",
            Config(subscriptions: """{ "acme": { "Plan": "gold" } }"""),
            "ApiErrorCatalog:Subscriptions:acme:Plan 'gold' is not a configured plan"
        },
        {
            "bad window",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "fortnight" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:Window 'fortnight'"
        },
        {
            "negative PermitLimit",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimit": -1, "Window": "minute" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit must be zero or more (was -1)"
        },
        {
            "hour window with no refusal to answer it",
            Config(plans: """{ "free": { "Limits": { "hourly": { "PermitLimit": 10, "Window": "hour" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:hourly"
        },
        {
            "error code not in the catalog",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute", "Error": "NO_SUCH_CODE" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:Error 'NO_SUCH_CODE'"
        },
        {
            "malformed hash (short)",
            Config(keys: """[ { "Id": "a", "Hash": "abc123", "Subscription": "acme" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Hash must be the SHA-256"
        },
        {
            "malformed hash (64 characters, not hex)",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{new string('z', 64)}}", "Subscription": "acme" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Hash must be the SHA-256"
        },
        {
            "key whose subscription is not configured",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Subscription": "ghost" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Subscription 'ghost' is not configured"
        },
        {
            "key whose plan is not configured",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "gold" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Plan 'gold' is not a configured plan (free)"
        },
        {
            "key with neither subscription nor plan",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}" } ]"""),
            "ApiErrorCatalog:ApiKeys:0: set Subscription or Plan"
        },
        {
            "key Limits override naming no limit",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "Limits": { "hourly": 5 } } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Limits:hourly names no limit of plan 'free'"
        },
        {
            "subscription Limits override naming no subscription-scoped limit",
            Config(subscriptions: """{ "acme": { "Plan": "free", "Limits": { "minute": 5 } } }"""),
            "ApiErrorCatalog:Subscriptions:acme:Limits:minute names no subscription-scoped limit of plan 'free'"
        },
        {
            "duplicate key hash",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free" }, { "Id": "b", "Hash": "{{GoodHash}}", "Plan": "free" } ]"""),
            "ApiErrorCatalog:ApiKeys:1:Hash is the same as another key's"
        },
        {
            "duplicate key id",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free" }, { "Id": "a", "Hash": "{{Hash("other")}}", "Plan": "free" } ]"""),
            "ApiErrorCatalog:ApiKeys:1:Id 'a' is used by another key"
        },
        {
            "bad allowed IP",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "AllowedIps": [ "10.0.0.0/99" ] } ]"""),
            "ApiErrorCatalog:ApiKeys:0:AllowedIps:0 '10.0.0.0/99'"
        },
        {
            "bad IP limit window",
            Config(extra: """ "IpLimit": { "PermitLimit": 10, "Window": "fortnight" }, """),
            "ApiErrorCatalog:IpLimit:Window 'fortnight'"
        },
        {
            "key MaxLength out of range",
            Config(extra: """ "KeyReading": { "MaxLength": 4 }, """),
            "ApiErrorCatalog:KeyReading:MaxLength must be between 8 and 4096 (was 4)"
        },
        {
            "negative key hash cache size",
            Config(extra: """ "KeyReading": { "HashCacheSize": -1 }, """),
            "ApiErrorCatalog:KeyReading:HashCacheSize must be between 0 (off) and 10000000 (was -1)"
        },
        {
            "negative JSON-RPC cost",
            Config(extra: """ "JsonRpc": { "Methods": { "eth_call": -5 } }, """),
            "ApiErrorCatalog:JsonRpc:Methods:eth_call must be zero or more (was -5)"
        },
        {
            "negative JSON-RPC default cost (it would refund credits)",
            Config(extra: """ "JsonRpc": { "DefaultCost": -200 }, """),
            "ApiErrorCatalog:JsonRpc:DefaultCost must be zero or more (was -200)"
        },
        {
            "JSON-RPC MaxBodyBytes of zero (no method could be read)",
            Config(extra: """ "JsonRpc": { "MaxBodyBytes": 0 }, """),
            "ApiErrorCatalog:JsonRpc:MaxBodyBytes must be between 1 and 33554432 (was 0)."
        },
        {
            "negative JSON-RPC MaxBodyBytes",
            Config(extra: """ "JsonRpc": { "MaxBodyBytes": -1 }, """),
            "ApiErrorCatalog:JsonRpc:MaxBodyBytes must be between 1 and 33554432 (was -1)."
        },
        {
            "huge JSON-RPC MaxBodyBytes (held per request)",
            Config(extra: """ "JsonRpc": { "MaxBodyBytes": 2147483647 }, """),
            "ApiErrorCatalog:JsonRpc:MaxBodyBytes must be between 1 and 33554432 (was 2147483647)."
        },
        {
            "negative key limit (the plan-level one is rejected)",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "Limits": { "minute": -1 } } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Limits:minute must be zero or more (was -1)"
        },
        {
            "plan without limits, not declared unlimited",
            Config(plans: """{ "free": { "Features": [ "x" ] } }"""),
            "ApiErrorCatalog:Plans:free declares no limits; give it Limits, or declare \"Unlimited\": true"
        },
        {
            "window longer than the calendar allows",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "36526.00:00:00", "Error": "RATE_LIMITED" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:Window '36526.00:00:00' is longer than the longest window, 36525 days"
        },
        {
            "unknown setting name",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimt": 10, "Window": "minute" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:PermitLimt is not a setting (did you mean PermitLimit?)"
        },
        {
            "allowed IPs as a string",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "AllowedIps": "10.0.0.1" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:AllowedIps must be an array ([ ... ]), not the value '10.0.0.1'"
        },
        {
            "IP limit as a string",
            Config(extra: """ "IpLimit": "600/minute", """),
            "ApiErrorCatalog:IpLimit must be an object ({ \"Kind\": ... }), not the value '600/minute'"
        },
        {
            "state out of range",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "State": 99 } ]"""),
            "ApiErrorCatalog:ApiKeys:0:State '99' is not one of Active, Revoked"
        },
        {
            "key added by an override at item 100 (paths keep its number)",
            Config(keys: $$"""{ "0": { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free" }, "100": { "Id": "b", "Hash": "{{Hash("b")}}", "Plan": "gold" } }"""),
            "ApiErrorCatalog:ApiKeys:100:Plan 'gold' is not a configured plan (free)"
        },
        {
            "key without an Id",
            Config(keys: $$"""[ { "Hash": "{{GoodHash}}", "Plan": "free" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Id must be set."
        },
        {
            "key's subscription under the record's property name",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "SubscriptionId": "acme" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:SubscriptionId is not a setting (did you mean Subscription?); a key has Id, Subscription, Plan,"
        },
        {
            "key as a value",
            Config(keys: """[ "a" ]"""),
            "ApiErrorCatalog:ApiKeys:0 must be an object ({ \"Id\": ... }), not the value 'a'."
        },
        {
            "state as a numeric string",
            Config(subscriptions: """{ "acme": { "Plan": "free", "State": "5" } }"""),
            "ApiErrorCatalog:Subscriptions:acme:State '5' is not one of Active, Revoked"
        },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task BadSetting_FailsAtStartUp_NamingItsPath(string what, string json, string expected)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json));

        Assert.True(exception.Message.Contains(expected, StringComparison.Ordinal), $"{what}: '{expected}' not in: {exception.Message}");
        Assert.Equal(typeof(ApiErrorCatalogOptions), exception.OptionsType);
    }

    [Fact]
    public async Task GoodConfiguration_Starts()
    {
        await using var api = await StartAsync(Config());

        using var response = await api.GetAsync("/ok", "a-key-for-validation");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SeveralBadSettings_AreAllReported_OnePerLine()
    {
        var json = Config(
            plans: """{ "free": { "Limits": { "minute": { "PermitLimit": -3, "Window": "fortnight" } } } }""",
            keys: """[ { "Id": "a", "Hash": "nope", "Subscription": "acme" } ]""");

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json));

        Assert.Equal(
            [
                "ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit must be zero or more (was -3).",
                "ApiErrorCatalog:Plans:free:Limits:minute:Window 'fortnight' is not minute, hour, day, month or a time span (such as 00:00:10 or 7.00:00:00) of at least 1 second.",
                "ApiErrorCatalog:ApiKeys:0:Hash must be the SHA-256 of the key as 64 hex digits (see ApiKeyHash.Compute); the key itself never goes in configuration.",
            ],
            exception.Message.Split(Environment.NewLine));
    }

    [Fact]
    public async Task JsonRpcParseErrorNotInTheCatalog_IsReportedWithTheSectionsPath_AmongTheOthers()
    {
        var json = """
            {
              "Api": { "Limits": {
                "JsonRpc": { "ParseError": "NO_SUCH_CODE", "MaxBodyBytes": 0 },
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": -3, "Window": "minute" } } } }
              } }
            }
            """;

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json, section: "Api:Limits"));

        Assert.Equal(
            [
                "Api:Limits:Plans:free:Limits:minute:PermitLimit must be zero or more (was -3).",
                "Api:Limits:JsonRpc:MaxBodyBytes must be between 1 and 33554432 (was 0).",
                "Api:Limits:JsonRpc:ParseError 'NO_SUCH_CODE' is not a code of the error catalog.",
            ],
            exception.Message.Split(Environment.NewLine));
    }

    [Theory]
    [InlineData("ApiErrorCatlog", """{ "ApiErrorCatalog": { "Plans": { "free": { "Unlimited": true } } } }""")]
    [InlineData("ApiErrorCatalog", """{ "ApiErrorCatalog": { } }""")]
    [InlineData("ApiErrorCatalog", """{ "ApiErrorCatalog": null }""")]
    public async Task MissingOrEmptySection_FailsAtStartUp_NamingTheSection(string section, string json)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json, section: section));

        Assert.StartsWith($"{section}: the configuration section is missing or empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigureOnlyOverload_WithoutASection_Starts()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(options => options.KeyReading.Required = false);
        await using var app = builder.Build();
        app.UseApiErrorCatalog();
        app.MapGet("/", () => "ok");

        await app.StartAsync();
        using var response = await app.GetTestClient().GetAsync("/");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnlimitedPlan_DeclaredExplicitly_StartsAndIsNeverCounted()
    {
        await using var api = await StartAsync(Config(plans: """{ "free": { "Unlimited": true } }"""));

        for (var i = 0; i < 30; i++)
        {
            using var response = await api.GetAsync("/ok", "a-key-for-validation");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task LongestWindow_StartsAndAnswers_EvenNearTheCalendarsEnd()
    {
        // Sliding: the window math reaches two windows past now, the farthest any limit reaches.
        var json = Config(plans: """{ "free": { "Limits": { "lifetime": { "PermitLimit": 2, "Window": "36525.00:00:00", "Sliding": true, "Error": "RATE_LIMITED" } } } }""");
        await using var api = await StartAsync(json, start: new DateTimeOffset(9700, 6, 1, 0, 0, 0, TimeSpan.Zero));

        using var first = await api.GetAsync("/ok", "a-key-for-validation");
        using var second = await api.GetAsync("/ok", "a-key-for-validation");
        using var refused = await api.GetAsync("/ok", "a-key-for-validation");

        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("RATE_LIMITED", (await ReadJsonAsync(refused)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task EnumOutOfRange_ConfiguredInCode_FailsAtStartUp()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(options =>
        {
            options.Plans["free"] = new PlanOptions { Limits = { ["minute"] = new LimitOptions { PermitLimit = 10, Window = "minute", Kind = (LimitKind)7 } } };
            options.ApiKeys.Add(new ConfiguredApiKey { Id = "a", Hash = GoodHash, Plan = "free", State = (ApiKeyState)99 });
        });

        await using var app = builder.Build();
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(
            [
                "ApiErrorCatalog:Plans:free:Limits:minute:Kind 7 is not one of Requests, Credits, Concurrency.",
                "ApiErrorCatalog:ApiKeys:0:State 99 is not a key state (Active, Revoked, Disabled, Inactive, PaymentRequired, PaymentExpired).",
            ],
            exception.Message.Split(Environment.NewLine));
    }

    [Fact]
    public async Task SectionElsewhere_PathsNameThatSection()
    {
        var json = """
            {
              "Api": { "Limits": {
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "fortnight" } } } }
              } }
            }
            """;

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json, section: "Api:Limits"));

        Assert.Contains("Api:Limits:Plans:free:Limits:minute:Window 'fortnight'", exception.Message);
    }

    [Fact]
    public async Task OptionsConfiguredInCode_FailAtStartUp_NamingTheSetting()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(options =>
            options.Plans["free"] = new PlanOptions
            {
                Limits = { ["minute"] = new LimitOptions { PermitLimit = 10, Window = "fortnight" } },
            });

        await using var app = builder.Build();
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            app.UseApiErrorCatalog();
            await app.StartAsync();
        });

        Assert.Contains("ApiErrorCatalog:Plans:free:Limits:minute:Window 'fortnight'", exception.Message);
    }

    [Fact]
    public async Task ValidateOnStart_FailsTheHostStart_EvenBeforeAnyRequest()
    {
        // Without UseApiErrorCatalog nothing resolves the options early: ValidateOnStart fails StartAsync itself.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(options => options.Subscriptions["acme"] = new SubscriptionOptions { Plan = "gold" });

        await using var app = builder.Build();
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ApiErrorCatalog:Subscriptions:acme:Plan 'gold'", exception.Message);
    }

    public static TheoryData<string, string, string> UnconvertibleValues => new()
    {
        {
            "misspelt limit kind (the binder would drop the limit: the plan unlimited)",
            Config(plans: """{ "free": { "Limits": { "minute": { "Kind": "Bogus", "PermitLimit": 10, "Window": "minute" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:Kind '"
        },
        {
            "PermitLimit that is not a number",
            Config(plans: """{ "free": { "Limits": { "minute": { "PermitLimit": "ten", "Window": "minute" } } } }"""),
            "ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit '"
        },
        {
            "misspelt key state (the binder would drop the key)",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "State": "Revokd" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:State '"
        },
        {
            "key expiry that is not a time",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "ExpiresAt": "next week" } ]"""),
            "ApiErrorCatalog:ApiKeys:0:ExpiresAt '"
        },
        {
            "misspelt subscription state",
            Config(subscriptions: """{ "acme": { "Plan": "free", "State": "PaymentRequird" } }"""),
            "ApiErrorCatalog:Subscriptions:acme:State '"
        },
        {
            "key limit that is not a number",
            Config(keys: $$"""[ { "Id": "a", "Hash": "{{GoodHash}}", "Plan": "free", "Limits": { "minute": "lots" } } ]"""),
            "ApiErrorCatalog:ApiKeys:0:Limits:minute '"
        },
        {
            "JSON-RPC cost that is not a number",
            Config(extra: """ "JsonRpc": { "Methods": { "eth_call": "twenty" } }, """),
            "ApiErrorCatalog:JsonRpc:Methods:eth_call '"
        },
    };

    [Theory]
    [MemberData(nameof(UnconvertibleValues))]
    public async Task UnconvertibleValueInsideACollection_FailsAtStartUp_NamingItsPath(string what, string json, string expected)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json));

        Assert.True(exception.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {expected} not in: {exception.Message}");
    }

    [Fact]
    public async Task UnconvertibleTopLevelValue_FailsAtStartUp_AsAnOptionsError_NamingItsPath()
    {
        // The binder throws on it (outside a collection); it is reported with the section's other problems.
        var json = Config(extra: """ "Headers": "XRateLimit, Bogus", "DefaultCredits": "one", """);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(json));

        Assert.Equal(
            [
                "ApiErrorCatalog:DefaultCredits 'one' is not a whole number.",
                "ApiErrorCatalog:Headers 'XRateLimit, Bogus' is not names among None, XRateLimit, Ietf, UnitsLimit, separated by commas (numbers are not accepted).",
            ],
            exception.Message.Split(Environment.NewLine));
    }
}
