using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Plans, subscriptions, configured keys, the IP limit and the default credits follow a reload of appsettings.json:
/// the next request is decided with them, counters kept; a reload that does not validate changes nothing and is
/// logged with each setting's path; a restart-only setting keeps its running value, with a warning.
/// </summary>
public sealed class ConfigurationReloadTests
{
    private static string Config(string key, int permit = 3, string state = "Active", string extra = "", string keys = "") => $$"""
        {
          "ApiErrorCatalog": {
            {{extra}}
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": {{permit}}, "Window": "minute" } } },
              "pro": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } }
            },
            "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Plan": "free", "State": "{{state}}" }{{keys}} ]
          }
        }
        """;

    [Fact]
    public async Task PlanLimitRaisedThenLowered_AppliesToTheNextRequest_WithTheUsedCountKept()
    {
        // Arrange: 2 of 3 used
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3));
        await using var api = await StartAsync("", configuration: file.Configuration);
        await SpendAsync(api, key, 2);

        // Act: raised to 5, then lowered to 3
        file.Change(Config(key, permit: 5));
        using var raised = await api.GetAsync("/ok", key);
        file.Change(Config(key, permit: 3));
        using var lowered = await api.GetAsync("/ok", key);

        // Assert: 3 of 5 used, then the 3 used are all of 3
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal("5", Header(raised, "X-RateLimit-Limit"));
        Assert.Equal("2", Header(raised, "X-RateLimit-Remaining"));
        var body = await AssertProblemAsync(lowered, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
        Assert.Equal("3", Header(lowered, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(lowered, "X-RateLimit-Remaining"));
        Assert.Contains("3 of 3", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloaded" && r.Level == LogLevel.Information);
    }

    [Fact]
    public async Task KeyAdded_IsAdmittedAtOnce()
    {
        string key = NewKey(), added = NewKey();
        using var file = new SettingsFile(Config(key));
        await using var api = await StartAsync("", configuration: file.Configuration);
        using var before = await api.GetAsync("/ok", added);

        file.Change(Config(key, keys: $$""", { "Id": "b", "Hash": "{{Hash(added)}}", "Plan": "pro" }"""));
        using var after = await api.GetAsync("/ok", added);

        await AssertProblemAsync(before, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("100", Header(after, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task KeyRevoked_IsRefusedAtOnce()
    {
        var key = NewKey();
        using var file = new SettingsFile(Config(key));
        await using var api = await StartAsync("", configuration: file.Configuration);
        using var before = await api.GetAsync("/ok", key);

        file.Change(Config(key, state: "Revoked"));
        using var after = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await AssertProblemAsync(after, HttpStatusCode.Unauthorized, "KEY_REVOKED");
    }

    [Fact]
    public async Task KeyRemoved_IsRefusedAtOnce()
    {
        string key = NewKey(), removed = NewKey();
        using var file = new SettingsFile(Config(key, keys: $$""", { "Id": "b", "Hash": "{{Hash(removed)}}", "Plan": "pro" }"""));
        await using var api = await StartAsync("", configuration: file.Configuration);
        using var before = await api.GetAsync("/ok", removed);

        file.Change(Config(key));
        using var after = await api.GetAsync("/ok", removed);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await AssertProblemAsync(after, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Fact]
    public async Task SubscriptionMovedToAnotherPlan_AppliesToItsKeysAtOnce()
    {
        // Arrange: a key of a subscription on free, which RequirePlan("pro") refuses
        var key = NewKey();
        string Subscribed(string plan) => $$"""
            {
              "ApiErrorCatalog": {
                "Plans": {
                  "free": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } },
                  "pro": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } }
                },
                "Subscriptions": { "team": { "Plan": "{{plan}}" } },
                "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Subscription": "team" } ]
              }
            }
            """;
        using var file = new SettingsFile(Subscribed("free"));
        await using var api = await StartAsync("", configuration: file.Configuration);
        using var before = await api.GetAsync("/pro", key);

        // Act
        file.Change(Subscribed("pro"));
        using var after = await api.GetAsync("/pro", key);

        // Assert
        await AssertProblemAsync(before, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED", 1006);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("100", Header(after, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task IpLimitAndDefaultCredits_FollowAReload()
    {
        // Arrange: no IP limit, a credits plan charging the default cost of 1
        var key = NewKey();
        string Credits(string extra) => $$"""
            {
              "ApiErrorCatalog": {
                {{extra}}
                "Plans": { "node": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day" } } } },
                "ApiKeys": [ { "Id": "a", "Hash": "{{Hash(key)}}", "Plan": "node" } ]
              }
            }
            """;
        using var file = new SettingsFile(Credits(""));
        await using var api = await StartAsync("", configuration: file.Configuration);
        using var before = await api.GetAsync("/whoami", key, ip: "203.0.113.7");

        // Act: an IP limit of 1 a minute, and 10 credits a call
        file.Change(Credits("""
            "IpLimit": { "PermitLimit": 1, "Window": "minute" },
            "DefaultCredits": 10,
            """));
        using var charged = await api.GetAsync("/whoami", key, ip: "203.0.113.7");
        using var overIp = await api.GetAsync("/whoami", key, ip: "203.0.113.7");

        // Assert: 1 credit, then 10; the second call from that address is over its limit
        Assert.Equal(1, (await ReadJsonAsync(before)).GetProperty("credits").GetInt64());
        Assert.Equal(HttpStatusCode.OK, charged.StatusCode);
        Assert.Equal(10, (await ReadJsonAsync(charged)).GetProperty("credits").GetInt64());
        await AssertProblemAsync(overIp, HttpStatusCode.TooManyRequests, "IP_RATE_LIMIT_REACHED", 1011);
    }

    [Fact]
    public async Task InvalidReload_KeepsTheLastGoodConfiguration_AndLogsEverySettingsPath()
    {
        // Arrange
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3));
        await using var api = await StartAsync("", configuration: file.Configuration);

        // Act: a negative permit, and a key naming a plan that does not exist; the reload itself does not throw
        file.Change(Config(key, permit: -1, keys: $$""", { "Id": "b", "Hash": "{{Hash(NewKey())}}", "Plan": "gold" }"""));
        using var after = await api.GetAsync("/ok", key);

        // Assert: one error naming both settings; requests go on with the permit of 3
        var error = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloadRejected");
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit", error.Message, StringComparison.Ordinal);
        Assert.Contains("ApiErrorCatalog:ApiKeys:1:Plan 'gold'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloaded");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("3", Header(after, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task ReloadWithAMisspelledSetting_IsRejected_NamingIt()
    {
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3));
        await using var api = await StartAsync("", configuration: file.Configuration);

        file.Change(Config(key, permit: 5).Replace("\"Window\": \"minute\"", "\"Windw\": \"minute\"", StringComparison.Ordinal));
        using var after = await api.GetAsync("/ok", key);

        var error = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloadRejected");
        Assert.Contains("ApiErrorCatalog:Plans:free:Limits:minute:Windw", error.Message, StringComparison.Ordinal);
        Assert.Equal("3", Header(after, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task ReloadRemovingAPlanThatRequirePlanNames_IsRejected_AndTheKeysOfThatPlanGoOn()
    {
        // Arrange: /pro requires the plan pro
        string key = NewKey(), proKey = NewKey();
        var keys = $$""", { "Id": "p", "Hash": "{{Hash(proKey)}}", "Plan": "pro" }""";
        using var file = new SettingsFile(Config(key, keys: keys));
        await using var api = await StartAsync("", configuration: file.Configuration);

        // Act: pro removed, its key moved to free
        file.Change(Config(key, permit: 5, keys: keys.Replace("\"pro\"", "\"free\"", StringComparison.Ordinal))
            .Replace("\"pro\": { \"Limits\": { \"minute\": { \"PermitLimit\": 100, \"Window\": \"minute\" } } }", "\"other\": { \"Unlimited\": true }", StringComparison.Ordinal));
        using var after = await api.GetAsync("/pro", proKey);

        // Assert: refused as start-up would be, naming the endpoint; nothing applied
        var error = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationReloadRejected");
        Assert.Contains("Endpoint 'HTTP: GET /pro' requires plan or feature 'pro' (RequirePlan)", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("100", Header(after, "X-RateLimit-Limit"));
    }

    [Fact]
    public async Task RestartOnlySettingChanged_IsLoggedAsAWarning_AndKeepsItsRunningValue_WhilePlansApply()
    {
        // Arrange
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3));
        await using var api = await StartAsync("", configuration: file.Configuration);

        // Act: the key's header renamed, the headers profile changed and the plan raised, in one reload
        file.Change(Config(key, permit: 5, extra: """
            "KeyReading": { "Headers": [ "X-Other-Key" ] },
            "Headers": "Ietf",
            """));
        using var after = await api.GetAsync("/ok", key);

        // Assert: the warning names both settings; the key is still read from X-API-Key and answered with
        // X-RateLimit-*, and the plan's new limit applies
        var warning = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "ConfigurationRestartRequired");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("ApiErrorCatalog:KeyReading:Headers:0", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ApiErrorCatalog:Headers", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Plans", warning.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("5", Header(after, "X-RateLimit-Limit"));
        Assert.Null(Header(after, "RateLimit-Policy"));
    }

    [Fact]
    public async Task KeyFromTheAppsStore_CachedBeforeAReload_IsDecidedWithTheReloadedPlan()
    {
        // Arrange: the store's key of plan free, found (and cached for 30 s) before the reload
        var key = NewKey();
        var store = new OneKeyStore(ApiKeyHash.Compute(key), new ApiKeyRecord { Id = "s", Plan = "free" });
        using var file = new SettingsFile(Config(NewKey(), permit: 3));
        await using var api = await StartAsync("", configuration: file.Configuration, configure: b => b.Services.AddSingleton<IApiKeyStore>(store));
        using var before = await api.GetAsync("/ok", key);

        // Act
        file.Change(Config(NewKey(), permit: 5));
        using var after = await api.GetAsync("/ok", key);

        // Assert: the new permit, the count kept
        Assert.Equal("3", Header(before, "X-RateLimit-Limit"));
        Assert.Equal("5", Header(after, "X-RateLimit-Limit"));
        Assert.Equal("3", Header(after, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task AppsettingsJsonChangedOnDisk_AppliesToTheNextRequest_WithoutARestart()
    {
        // Arrange: a real appsettings.json, watched as WebApplication.CreateBuilder watches it
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3), watch: true);
        await using var api = await StartAsync("", configuration: file.Configuration);
        await SpendAsync(api, key, 1);

        // Act: the file saved with a permit of 10; the watcher reloads it in its own time
        file.Change(Config(key, permit: 10));
        await WaitForAsync(api.Logs, "ConfigurationReloaded");
        using var after = await api.GetAsync("/ok", key);

        // Assert
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("10", Header(after, "X-RateLimit-Limit"));
        Assert.Equal("8", Header(after, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task DocsPage_ShowsTheReloadedLimits_AndTheRunningHeaders()
    {
        // Arrange
        var key = NewKey();
        using var file = new SettingsFile(Config(key, permit: 3));
        await using var api = await StartAsync("", static app => app.MapErrorCatalogDocs(), configuration: file.Configuration);
        using var before = await api.GetAsync("/errors.json");

        // Act: the plan raised, and a restart-only headers profile
        file.Change(Config(key, permit: 7, extra: "\"Headers\": \"Ietf\", \"DefaultCredits\": 4,"));
        using var after = await api.GetAsync("/errors.json");

        // Assert
        Assert.Equal(3, FreePermit(await ReadJsonAsync(before)));
        var docs = await ReadJsonAsync(after);
        Assert.Equal(7, FreePermit(docs));
        Assert.Equal(4, docs.GetProperty("defaultCredits").GetInt64());
        var headers = docs.GetProperty("headers").EnumerateArray().Select(static h => h.GetProperty("name").GetString()).ToArray();
        Assert.Contains("X-RateLimit-Limit", headers);
        Assert.DoesNotContain("RateLimit-Policy", headers);

        static long FreePermit(System.Text.Json.JsonElement docs) => docs.GetProperty("plans").EnumerateArray()
            .Single(static p => p.GetProperty("name").GetString() == "free").GetProperty("limits")[0].GetProperty("permitLimit").GetInt64();
    }

    [Fact]
    public async Task WindowShortened_StartsTheShorterWindowsCount_InsteadOfCarryingTheLongerOnesForward()
    {
        // Arrange: 3 of 3 used in a day window, mid-day (the day's end is not the minute's)
        var key = NewKey();
        using var file = new SettingsFile(Config(key).Replace("\"PermitLimit\": 3, \"Window\": \"minute\"", "\"PermitLimit\": 3, \"Window\": \"day\"", StringComparison.Ordinal));
        await using var api = await StartAsync("", configuration: file.Configuration, start: new DateTimeOffset(2024, 2, 28, 10, 15, 0, TimeSpan.Zero));
        await SpendAsync(api, key, 3);
        using var spent = await api.GetAsync("/ok", key);

        // Act: the limit becomes 3 a minute
        file.Change(Config(key));
        using var after = await api.GetAsync("/ok", key);

        // Assert: the minute window counts from its own start, not the hour's 3
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("2", Header(after, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task ReloadLeavingTheSectionAsApplied_ChangesNothing()
    {
        // Arrange: a reload applied once
        var key = NewKey();
        using var file = new SettingsFile(Config(key));
        await using var api = await StartAsync("", configuration: file.Configuration);
        file.Change(Config(key, permit: 5));
        var applied = api.Logs.GetSnapshot().Count(static r => r.Id.Name == "ConfigurationReloaded");

        // Act: the file saved again with only another section changed
        file.Change(Config(key, permit: 5).TrimEnd().TrimEnd('}') + ", \"Other\": { \"Setting\": 1 } }");
        using var response = await api.GetAsync("/ok", key);

        // Assert: nothing recompiled; the limit stays as applied
        Assert.Equal(1, applied);
        Assert.Equal(applied, api.Logs.GetSnapshot().Count(static r => r.Id.Name == "ConfigurationReloaded"));
        Assert.Equal("5", Header(response, "X-RateLimit-Limit"));
    }

    private static async Task SpendAsync(TestApi api, string key, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            using var response = await api.GetAsync("/ok", key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Polls the logs until <paramref name="eventName"/> is logged (a file watcher reports in its own time).</summary>
    private static async Task WaitForAsync(FakeLogCollector logs, string eventName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!logs.GetSnapshot().Any(r => r.Id.Name == eventName))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>An appsettings.json in a directory of its own, read as a host reads it.</summary>
    private sealed class SettingsFile : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"i20-reload-{Guid.NewGuid():N}");
        private readonly bool _watch;

        public SettingsFile(string json, bool watch = false)
        {
            _watch = watch;
            Directory.CreateDirectory(_directory);
            File.WriteAllText(Path.Combine(_directory, "appsettings.json"), json);
            Configuration = new ConfigurationBuilder()
                .SetBasePath(_directory)
                .AddJsonFile("appsettings.json", optional: false, reloadOnChange: watch)
                .Build();
        }

        public IConfigurationRoot Configuration { get; }

        /// <summary>Saves the file; unwatched, reloads the configuration at once (as IConfigurationRoot.Reload() does in an app).</summary>
        public void Change(string json)
        {
            File.WriteAllText(Path.Combine(_directory, "appsettings.json"), json);
            if (!_watch)
            {
                Configuration.Reload();
            }
        }

        public void Dispose()
        {
            (Configuration as IDisposable)?.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class OneKeyStore(ApiKeyHash hash, ApiKeyRecord record) : IApiKeyStore
    {
        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash presented, CancellationToken cancellationToken) =>
            new(presented == hash ? record : null);
    }
}
