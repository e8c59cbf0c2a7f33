using System.Net;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Usage you can read, counted in memory: IApiUsage and MapApiUsage answer the figures of the headers.</summary>
public sealed class ApiUsageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private const string KeyA = "usage_key_a";
    private const string KeyB = "usage_key_b";
    private const string KeyOverage = "usage_key_overage";
    private const string KeyInFlight = "usage_key_inflight";
    private const string KeyAdmin = "usage_key_admin";

    private static readonly string Json = $$"""
        { "ApiErrorCatalog": {
          "Headers": "XRateLimit, Ietf, UnitsLimit",
          "Plans": {
            "p": { "Limits": {
              "minute": { "PermitLimit": 10, "Window": "minute" },
              "daily": { "PermitLimit": 40, "Window": "day", "Sliding": true },
              "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day", "Scope": "Subscription" } } },
            "solo": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 50, "Window": "day" } } },
            "c": { "Limits": {
              "minute": { "PermitLimit": 10, "Window": "minute" },
              "inflight": { "Kind": "Concurrency", "PermitLimit": 3 } } }
          },
          "Subscriptions": { "s": { "Plan": "p", "Limits": { "credits": 200 } } },
          "ApiKeys": [
            { "Id": "a", "Hash": "{{Hash(KeyA)}}", "Subscription": "s", "Limits": { "credits": 120 } },
            { "Id": "b", "Hash": "{{Hash(KeyB)}}", "Subscription": "s" },
            { "Id": "o", "Hash": "{{Hash(KeyOverage)}}", "Plan": "solo", "Overage": true },
            { "Id": "f", "Hash": "{{Hash(KeyInFlight)}}", "Plan": "c" },
            { "Id": "admin", "Hash": "{{Hash(KeyAdmin)}}", "Plan": "c", "Scopes": [ "usage:admin" ] }
          ]
        } }
        """;

    [Fact]
    public async Task KeyUsage_AfterEachOfSeveralRequests_EqualsThatRequestsHeaders()
    {
        // Arrange
        await using var api = await StartAsync(Json);
        var usage = api.App.Services.GetRequiredService<IApiUsage>();

        foreach (var path in new[] { "/credits10", "/ok", "/credits20", "/credits10" })
        {
            // Act
            using var response = await api.GetAsync(path, KeyA);
            var report = await usage.GetKeyUsageAsync("a");

            // Assert
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(report);
            UsageAssert.MatchesHeaders(response, report);
        }

        var final = (await usage.GetKeyUsageAsync("a"))!;
        Assert.Equal(("a", "s", "p"), (final.KeyId, final.SubscriptionId, final.Plan));
        Assert.Equal(["credits", "credits-key", "daily", "minute"], final.Limits.Select(l => l.Name)); // the plan's order, as the headers list them
        Assert.Equal((4, 6), (final.Limit("minute").Used, final.Limit("minute").Remaining));
        Assert.Equal((LimitScope.Subscription, 200L, 41L, 159L), (final.Limit("credits").Scope, final.Limit("credits").Limit, final.Limit("credits").Used, final.Limit("credits").Remaining));
        Assert.Equal((LimitScope.Key, 120L, 41L), (final.Limit("credits-key").Scope, final.Limit("credits-key").Limit, final.Limit("credits-key").Used));
        Assert.Equal(TestApi.DefaultStart.AddSeconds(30), final.Limit("minute").Reset);
        Assert.Equal("minute", final.Limit("minute").Window);
    }

    [Fact]
    public async Task SlidingWindow_InTheNextWindow_CountsThePreviousWeighted_AsTheHeadersDo()
    {
        // Arrange: 5 requests the day before, then half a day on.
        await using var api = await StartAsync(Json);
        var usage = api.App.Services.GetRequiredService<IApiUsage>();
        for (var i = 0; i < 5; i++)
        {
            using var before = await api.GetAsync("/ok", KeyB);
        }

        api.Time.Advance(TimeSpan.FromHours(12).Add(TimeSpan.FromSeconds(30)));

        // Act: a read before the request, then the request and a read after.
        var read = (await usage.GetKeyUsageAsync("b"))!;
        using var response = await api.GetAsync("/ok", KeyB);
        var after = (await usage.GetKeyUsageAsync("b"))!;

        // Assert: half of the previous day still counts (ceil(5 * 0.5) = 3).
        Assert.Equal((3, 37), (read.Limit("daily").Used, read.Limit("daily").Remaining));
        Assert.True(read.Limit("daily").Sliding);
        Assert.Equal(0, read.Limit("minute").Used);
        UsageAssert.MatchesHeaders(response, after);
        Assert.Equal(4, after.Limit("daily").Used);
    }

    [Fact]
    public async Task SubscriptionSharedByTwoKeys_ReportsTheSharedTotal_AndEachKeyItsOwnShare()
    {
        // Arrange
        await using var api = await StartAsync(Json);
        var usage = api.App.Services.GetRequiredService<IApiUsage>();

        // Act
        for (var i = 0; i < 3; i++)
        {
            using var byA = await api.GetAsync("/credits20", KeyA);
        }

        using var lastOfB = await api.GetAsync("/credits10", KeyB);
        var subscription = (await usage.GetSubscriptionUsageAsync("s"))!;
        var b = (await usage.GetKeyUsageAsync("b"))!;
        var a = (await usage.GetKeyUsageByHashAsync(ApiKeyHash.Compute(KeyA)))!;

        // Assert: 60 + 10 shared; A's own share is its 60 of 120.
        Assert.Equal((null, "s", "p"), (subscription.KeyId, subscription.SubscriptionId, subscription.Plan));
        var shared = Assert.Single(subscription.Limits);
        Assert.Equal(("credits", LimitScope.Subscription, LimitKind.Credits, 200L, 70L, 130L), (shared.Name, shared.Scope, shared.Kind, shared.Limit, shared.Used, shared.Remaining));
        UsageAssert.MatchesHeaders(lastOfB, b);
        Assert.Equal(70, a.Limit("credits").Used);
        Assert.Equal((60, 60), (a.Limit("credits-key").Used, a.Limit("credits-key").Remaining));
    }

    [Fact]
    public async Task Overage_PastTheQuota_IsReportedAsUsedBeyondTheLimit()
    {
        // Arrange
        await using var api = await StartAsync(Json);
        var usage = api.App.Services.GetRequiredService<IApiUsage>();

        // Act: 60 credits of a 50-credit quota, admitted as overage.
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await api.GetAsync("/credits20", KeyOverage);
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        }

        var report = (await usage.GetKeyUsageAsync("o"))!;

        // Assert
        using (last)
        {
            UsageAssert.MatchesHeaders(last!, report);
        }

        Assert.True(report.OverageEnabled);
        var credits = report.Limit("credits");
        Assert.Equal((60L, 0L, true), (credits.Used, credits.Remaining, credits.Overage));
    }

    [Fact]
    public async Task Reading_ChargesNothing()
    {
        // Arrange
        await using var api = await StartAsync(Json, map: app => app.MapApiUsage("/usage", adminPolicy: null));
        var usage = api.App.Services.GetRequiredService<IApiUsage>();
        using var first = await api.GetAsync("/credits10", KeyA);

        // Act: every kind of read, several times, including a key nobody used (no counter is made for it).
        for (var i = 0; i < 3; i++)
        {
            await usage.GetKeyUsageAsync("a");
            await usage.GetKeyUsageAsync("b");
            await usage.GetKeyUsageByHashAsync(ApiKeyHash.Compute(KeyA));
            await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "a", SubscriptionId = "s", Limits = new Dictionary<string, long> { ["credits"] = 120 } });
            await usage.GetSubscriptionUsageAsync("s");
        }

        using var second = await api.GetAsync("/credits10", KeyA);

        // Assert: the second request is charged on top of the first alone.
        var before = UsageAssert.RateLimitField(first);
        var after = UsageAssert.RateLimitField(second);
        Assert.Equal(before["minute"].Remaining - 1, after["minute"].Remaining);
        Assert.Equal(before["credits"].Remaining - 10, after["credits"].Remaining);
        Assert.Equal(before["credits-key"].Remaining - 10, after["credits-key"].Remaining);
        Assert.Equal(0, (await usage.GetKeyUsageAsync("b"))!.Limit("minute").Used);
        var store = (InMemoryCounterStore)api.App.Services.GetRequiredService<ICounterStore>();
        Assert.Equal(2, store.PartitionCount); // key a and subscription s: the reads of b made none
    }

    [Fact]
    public async Task Concurrency_ReadsTheRequestsInFlight_AndTheEndpointsBodyEqualsItsHeaders()
    {
        // Arrange: one request held in flight.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var api = await StartAsync(Json, map: app =>
        {
            app.MapGet("/block", async () =>
            {
                entered.TrySetResult();
                await release.Task;
                return "done";
            });
            app.MapApiUsage();
        });
        var usage = api.App.Services.GetRequiredService<IApiUsage>();
        var held = api.GetAsync("/block", KeyInFlight);
        await entered.Task.WaitAsync(Patience);

        // Act
        var read = (await usage.GetKeyUsageAsync("f"))!;
        using var own = await api.GetAsync("/usage", KeyInFlight);
        var body = UsageAssert.FromJson(await ReadJsonAsync(own));
        release.SetResult();
        using var _ = await held.WaitAsync(Patience);
        var afterwards = (await usage.GetKeyUsageAsync("f"))!;

        // Assert
        var inflight = read.Limit("inflight");
        Assert.Equal((LimitKind.Concurrency, 3L, 1L, 2L, (DateTimeOffset?)null, (string?)null), (inflight.Kind, inflight.Limit, inflight.Used, inflight.Remaining, inflight.Reset, inflight.Window));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        UsageAssert.MatchesHeaders(own, body);
        Assert.Equal(2, body.Limit("inflight").Used); // the held request and this one
        Assert.Equal(0, afterwards.Limit("inflight").Used);
    }

    [Fact]
    public async Task UsageEndpoint_OwnKey_AnswersItsUsage_AndAMissingKeyGetsTheCatalogs401()
    {
        // Arrange
        await using var api = await StartAsync(Json, map: app => app.MapApiUsage());
        using var earlier = await api.GetAsync("/credits20", KeyA);

        // Act
        using var own = await api.GetAsync("/usage", KeyA);
        using var missing = await api.GetAsync("/usage");

        // Assert: the endpoint is charged as any request, and its body is its own headers' figures.
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("application/json; charset=utf-8", own.Content.Headers.ContentType?.ToString());
        var json = await ReadJsonAsync(own);
        var body = UsageAssert.FromJson(json);
        UsageAssert.MatchesHeaders(own, body);
        Assert.Equal(("a", "s"), (body.KeyId, body.SubscriptionId));
        Assert.Equal(2, body.Limit("minute").Used);
        Assert.Equal(21, body.Limit("credits").Used); // 20, then this request's default credit
        var limits = json.GetProperty("limits").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal("subscription", limits["credits"].GetProperty("scope").GetString());
        Assert.Equal("credits", limits["credits"].GetProperty("kind").GetString());
        Assert.Equal(30, limits["minute"].GetProperty("resetSeconds").GetInt64());
        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002);
    }

    [Fact]
    public async Task UsageEndpoint_MarkedExempt_ReadsTheUsageWithoutChargingIt()
    {
        // Arrange
        await using var api = await StartAsync(Json, map: app => app.MapApiUsage().ExemptFromLimits());
        using var used = await api.GetAsync("/credits10", KeyA);

        // Act
        using var first = await api.GetAsync("/usage", KeyA);
        using var second = await api.GetAsync("/usage", KeyA);

        // Assert: both read what the earlier request left, and carry no rate-limit headers of their own.
        var one = UsageAssert.FromJson(await ReadJsonAsync(first));
        var two = UsageAssert.FromJson(await ReadJsonAsync(second));
        UsageAssert.MatchesHeaders(used, one);
        UsageAssert.MatchesHeaders(used, two);
        Assert.Null(Header(first, "RateLimit"));
    }

    [Fact]
    public async Task UsageEndpoint_WithoutAPolicy_MapsNoRouteForOtherKeys()
    {
        // Arrange
        await using var api = await StartAsync(Json, map: app => app.MapApiUsage());

        // Act
        using var key = await api.GetAsync("/usage/keys/b", KeyA);
        using var subscription = await api.GetAsync("/usage/subscriptions/s", KeyA);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, key.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, subscription.StatusCode);
    }

    [Fact]
    public async Task UsageEndpoint_AdminRoutes_AnswerOnlyCallersThePolicyAllows()
    {
        // Arrange: the policy wants the admin scope of an API key.
        await using var api = await StartAsync(Json, map: app => app.MapApiUsage("/usage", "usage-admin"), configure: builder =>
        {
            builder.Services.AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey();
            builder.Services.AddAuthorizationBuilder().AddPolicy("usage-admin", policy =>
                policy.AddAuthenticationSchemes(ApiKeyDefaults.AuthenticationScheme).RequireClaim(ApiKeyDefaults.ScopeClaimType, "usage:admin"));
        });
        using var used = await api.GetAsync("/credits10", KeyB);

        // Act
        using var byAdmin = await api.GetAsync("/usage/keys/b", KeyAdmin);
        using var byHash = await api.GetAsync("/usage/keys/" + Hash(KeyB), KeyAdmin);
        using var subscription = await api.GetAsync("/usage/subscriptions/s", KeyAdmin);
        using var byOther = await api.GetAsync("/usage/keys/b", KeyA);
        using var anonymous = await api.GetAsync("/usage/keys/b");
        using var unknownKey = await api.GetAsync("/usage/keys/nobody", KeyAdmin);
        using var unknownSubscription = await api.GetAsync("/usage/subscriptions/nothing", KeyAdmin);
        using var after = await api.GetAsync("/credits10", KeyB);

        // Assert
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        var report = UsageAssert.FromJson(await ReadJsonAsync(byAdmin));
        UsageAssert.MatchesHeaders(used, report);
        Assert.Equal("b", UsageAssert.FromJson(await ReadJsonAsync(byHash)).KeyId);
        Assert.Equal(10, UsageAssert.FromJson(await ReadJsonAsync(subscription)).Limit("credits").Used);
        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await AssertProblemAsync(unknownKey, HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertProblemAsync(unknownSubscription, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(UsageAssert.RateLimitField(used)["minute"].Remaining - 1, UsageAssert.RateLimitField(after)["minute"].Remaining); // support's reads cost the key nothing
    }

    [Fact]
    public async Task UsageEndpoint_AdminRoutes_UnderAPolicyNamingNoScheme_AreNotOpenToACustomersKey()
    {
        // Arrange: staff sign in with their own scheme; the policy asks only for an authenticated user, and
        // authorization runs after the catalog's middleware, as the configuration docs order them.
        await using var api = await StartAsync(Json, map: app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapApiUsage("/usage", "staff");
        }, configure: builder =>
        {
            builder.Services.AddAuthentication("staff").AddScheme<AuthenticationSchemeOptions, StaffHandler>("staff", null);
            builder.Services.AddAuthorizationBuilder().AddPolicy("staff", policy => policy.RequireAuthenticatedUser());
        });

        // Act
        using var byCustomer = await api.GetAsync("/usage/keys/b", KeyA);
        using var byStaff = await api.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/usage/keys/b") { Headers = { { StaffHandler.Header, "yes" } } });
        using var ownUsage = await api.GetAsync("/usage", KeyA);

        // Assert: a valid customer key is not a signed-in user there; staff are; the key's own route still works.
        Assert.Equal(HttpStatusCode.Unauthorized, byCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byStaff.StatusCode);
        Assert.Equal("b", UsageAssert.FromJson(await ReadJsonAsync(byStaff)).KeyId);
        Assert.Equal(HttpStatusCode.OK, ownUsage.StatusCode);
    }

    private sealed class StaffHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, System.Text.Encodings.Web.UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Header = "X-Staff";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(Request.Headers.ContainsKey(Header)
            ? AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("name", "staff")], "staff")), "staff"))
            : AuthenticateResult.NoResult());
    }

    [Fact]
    public async Task Lookups_ThatNameNothing_AnswerNull()
    {
        // Arrange
        await using var api = await StartAsync(Json);
        var usage = api.App.Services.GetRequiredService<IApiUsage>();

        // Act / Assert
        Assert.Null(await usage.GetKeyUsageAsync("nobody"));
        Assert.Null(await usage.GetKeyUsageAsync(""));
        Assert.Null(await usage.GetKeyUsageByHashAsync(ApiKeyHash.Compute("never configured")));
        Assert.Null(await usage.GetKeyUsageByHashAsync(default));
        Assert.Null(await usage.GetSubscriptionUsageAsync("nothing"));
        Assert.Null(await usage.GetSubscriptionUsageAsync(""));
        Assert.Null(await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "x", Plan = "no such plan" }));
        Assert.Null(await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "x", Plan = "p", Limits = new Dictionary<string, long> { ["credits"] = -1 } }));
        Assert.Null(await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "x", Plan = "p", State = (ApiKeyState)99 }));
        Assert.NotNull(await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "x", Plan = "solo" }));
    }

    [Fact]
    public async Task KeyStoreRecord_IsReadThroughTheStore_ByHashAndByRecord()
    {
        // Arrange: the application's own store; configured ids are then not looked up.
        var record = new ApiKeyRecord { Id = "stored", Plan = "solo" };
        await using var api = await StartAsync(Json, configure: builder => builder.Services.AddSingleton<IApiKeyStore>(new OneKeyStore("stored_key", record)));
        var usage = api.App.Services.GetRequiredService<IApiUsage>();
        using var response = await api.GetAsync("/credits20", "stored_key");

        // Act
        var byHash = await usage.GetKeyUsageByHashAsync(ApiKeyHash.Compute("stored_key"));
        var byRecord = await usage.GetKeyUsageByRecordAsync(record);
        var byId = await usage.GetKeyUsageAsync("stored");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UsageAssert.MatchesHeaders(response, byHash!);
        UsageAssert.MatchesHeaders(response, byRecord!);
        Assert.Null(byId);
    }

    [Fact]
    public async Task BuiltInRateLimiter_GetStatistics_ReturnsTheRequestsTightestRemaining_AndItsLeaseCounts()
    {
        // Arrange: the catalog's limits in the framework's UseRateLimiter, a minute limit of 3.
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" }, "day": { "PermitLimit": 100, "Window": "day" } } } },
              "ApiKeys": [ { "Id": "k", "Hash": "{{Hash(KeyA)}}", "Plan": "p" }, { "Id": "idle", "Hash": "{{Hash(KeyB)}}", "Plan": "p" } ]
            }
            """;
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestApi.DefaultStart));
        builder.Services.AddApiErrorCatalog(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build());
        builder.Services.AddRateLimiter(options => options.UseApiErrorCatalogLimits());
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/ok", () => "ok");
        await app.StartAsync();
        var client = app.GetTestClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
            request.Headers.Add(KeyHeader, KeyA);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        var limiter = app.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;

        // Act
        var used = limiter.GetStatistics(Request(app, KeyA));
        var idle = limiter.GetStatistics(Request(app, KeyB));

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(used);
        // Every lease handed out counts: the built-in middleware asks AcquireAsync after a refused AttemptAcquire, so a refused request is two.
        Assert.Equal((0L, 0L, 3L, 4L), (used.CurrentAvailablePermits, used.CurrentQueuedCount, used.TotalSuccessfulLeases, used.TotalFailedLeases));
        Assert.Equal(3, idle!.CurrentAvailablePermits);
    }

    private static DefaultHttpContext Request(WebApplication app, string key)
    {
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.Headers[KeyHeader] = key;
        return context;
    }

    private sealed class OneKeyStore(string key, ApiKeyRecord record) : IApiKeyStore
    {
        private readonly ApiKeyHash _hash = ApiKeyHash.Compute(key);

        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken) =>
            new(hash == _hash ? record : null);
    }
}
