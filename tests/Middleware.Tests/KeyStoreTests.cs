using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The application's own key store: looked up through a short cache, a failure answered with 503.</summary>
public sealed class KeyStoreTests
{
    private const string Json = """
        {
          "ApiErrorCatalog": {
            "KeyReading": { "CacheDuration": "00:00:30" },
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } } }
          }
        }
        """;

    /// <summary>A hand-written store: its keys by hash, counting lookups, failing on demand.</summary>
    private sealed class TestStore : IApiKeyStore
    {
        private int _lookups;

        public Dictionary<ApiKeyHash, ApiKeyRecord> Records { get; } = [];

        public bool Fail { get; set; }

        public int Lookups => Volatile.Read(ref _lookups);

        /// <summary>Run during a lookup, which then completes asynchronously (a database's round trip).</summary>
        public Action? DuringLookup { get; set; }

        /// <summary>
        /// A slow lookup's task is complete when returned: a blocking driver, or an asynchronous one that finished
        /// before the caller looked at its task.
        /// </summary>
        public bool LookupCompletesSynchronously { get; set; }

        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            if (Fail)
            {
                throw new InvalidOperationException("database down");
            }

            if (DuringLookup is { } during && !LookupCompletesSynchronously)
            {
                return SlowAsync(hash, during);
            }

            DuringLookup?.Invoke();
            return new(Records.GetValueOrDefault(hash));
        }

        private async ValueTask<ApiKeyRecord?> SlowAsync(ApiKeyHash hash, Action during)
        {
            await Task.Yield();
            during();
            return Records.GetValueOrDefault(hash);
        }
    }

    private static Task<TestApi> StartAsync(TestStore store) =>
        TestApi.StartAsync(
            Json,
            app => app.MapGet("/authorized", () => "authorized").RequireAuthorization(),
            configure: builder => builder.Services.AddSingleton<IApiKeyStore>(store).AddAuthorization().AddAuthentication().AddApiKey());

    [Fact]
    public async Task StoreKey_IsAdmitted_AndCachedForTheCacheDuration()
    {
        var key = NewKey();
        var store = new TestStore();
        store.Records[ApiKeyHash.Compute(key)] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        await using var api = await StartAsync(store);

        using var first = await api.GetAsync("/whoami", key);
        using var second = await api.GetAsync("/whoami", key);
        Assert.Equal(1, store.Lookups);

        api.Time.Advance(TimeSpan.FromSeconds(31));
        using var third = await api.GetAsync("/whoami", key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("db-key", (await ReadJsonAsync(first)).GetProperty("keyId").GetString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(2, store.Lookups);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASlowLookup_CountsTheRequestInTheWindowItIsDecidedIn(bool completesSynchronously)
    {
        // The request arrives at 23:59:30; its key's lookup ends in the next minute. It counts there, beside the next
        // request, not in the minute it arrived in (which would start the next minute again from nothing). No
        // authentication here: its handler would look the key up before the middleware.
        var key = NewKey();
        var store = new TestStore { LookupCompletesSynchronously = completesSynchronously };
        store.Records[ApiKeyHash.Compute(key)] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        await using var api = await TestApi.StartAsync(Json, configure: builder => builder.Services.AddSingleton<IApiKeyStore>(store));
        store.DuringLookup = () => api.Time.Advance(TimeSpan.FromSeconds(40));

        using var slow = await api.GetAsync("/whoami", key);
        store.DuringLookup = null;
        using var cached = await api.GetAsync("/whoami", key);

        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.Equal("99", Header(slow, "X-RateLimit-Remaining"));
        Assert.Equal("98", Header(cached, "X-RateLimit-Remaining"));
        Assert.Equal(1, store.Lookups);
    }

    [Fact]
    public async Task StoreKeyRevoked_IsRefusedOnceTheCacheExpires_ThoughItsHashIsRemembered()
    {
        // Arrange: the key is used often enough to be in the presented-key cache (which maps it to its hash only).
        var key = NewKey();
        var store = new TestStore();
        var hash = ApiKeyHash.Compute(key);
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        await using var api = await StartAsync(store);
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await api.GetAsync("/ok", key);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // Act: the store revokes it; the record cache expires.
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free", State = ApiKeyState.Revoked };
        api.Time.Advance(TimeSpan.FromSeconds(31));
        using var response = await api.GetAsync("/ok", key);

        // Assert
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "KEY_REVOKED", null);
    }

    [Fact]
    public async Task UnknownKey_IsRefused_AndTheMissIsCachedToo()
    {
        var store = new TestStore();
        await using var api = await StartAsync(store);
        var key = NewKey();

        using var first = await api.GetAsync("/ok", key);
        using var second = await api.GetAsync("/ok", key);

        await AssertProblemAsync(first, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        await AssertProblemAsync(second, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal(1, store.Lookups);
    }

    [Fact]
    public async Task StoreFailure_Returns503ServiceUnavailable_WithRetryAfter()
    {
        var store = new TestStore { Fail = true };
        await using var api = await StartAsync(store);

        using var response = await api.GetAsync("/ok", NewKey());

        var body = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal("1", Header(response, "Retry-After"));
        Assert.Equal(1, body.GetProperty("retryAfter").GetInt32()); // the body says what the header says
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task StoreFailure_OnAnAuthorizedEndpoint_Returns503NotA500()
    {
        // The framework's authentication runs first (WebApplication adds it before the app's middleware).
        var store = new TestStore { Fail = true };
        await using var api = await StartAsync(store);

        using var response = await api.GetAsync("/authorized", NewKey());

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Equal("1", Header(response, "Retry-After"));
    }

    [Fact]
    public async Task CatalogWithoutStoreUnavailable_AnswersAFailingStoreFromTheDefaults()
    {
        // A failing store is a 503 under any application catalog: the default catalog's entry answers it.
        static ErrorDescriptor Entry(string code, int status, Refusal refusal) =>
            new(code, null, status, code, [], null, $"https://example.test/{code}", refusal, [], [], null);
        var catalog = new ApiErrorCatalog(null, [],
        [
            Entry("KEY_INVALID", 401, Refusal.KeyInvalid), Entry("NOT_ALLOWED", 403, Refusal.PlanNotAuthorized),
            Entry("MINUTE", 429, Refusal.MinuteLimit), Entry("INTERNAL_SERVER_ERROR", 500, Refusal.None),
        ]);
        await using var api = await TestApi.StartAsync(Json, configure: builder => builder.Services
            .AddSingleton<IApiKeyStore>(new TestStore { Fail = true })
            .Configure<ApiErrorCatalogOptions>(o => o.Catalog = catalog));

        using var response = await api.GetAsync("/ok", NewKey());

        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
    }

    [Fact]
    public async Task StoreRecordWithUnknownPlan_IsRefusedAsInvalid()
    {
        var key = NewKey();
        var store = new TestStore();
        store.Records[ApiKeyHash.Compute(key)] = new ApiKeyRecord { Id = "db-key", Plan = "gold" };
        await using var api = await StartAsync(store);

        using var response = await api.GetAsync("/ok", key);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Message.Contains("db-key", StringComparison.Ordinal) && r.Message.Contains("gold", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreRecordWhoseAllowedIpsAreAllInvalid_IsRefusedAsInvalid_NotOpenToAnyIp_AndLoggedOnce()
    {
        var key = NewKey();
        var store = new TestStore();
        store.Records[ApiKeyHash.Compute(key)] = new ApiKeyRecord { Id = "db-key", Plan = "free", AllowedIps = ["office", "10.0.0.0/33"] };
        await using var api = await StartAsync(store);

        using var first = await api.GetAsync("/ok", key);
        using var second = await api.GetAsync("/ok", key);

        await AssertProblemAsync(first, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        await AssertProblemAsync(second, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        var logged = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "BadKeyRecord");
        Assert.Contains("db-key", logged.Message, StringComparison.Ordinal);
        Assert.Contains("'office'", logged.Message, StringComparison.Ordinal);
        Assert.Contains("none is an IP address or network", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreRecordWithOneInvalidAllowedIp_IsRefusedAsInvalid_NotNarrowedToTheOthers()
    {
        var key = NewKey();
        var store = new TestStore();
        store.Records[ApiKeyHash.Compute(key)] = new ApiKeyRecord { Id = "db-key", Plan = "free", AllowedIps = ["office", "192.0.2.1"] };
        await using var api = await StartAsync(store);

        using var response = await api.GetAsync("/ok", key);

        // The entry that does not parse may have been the caller's own network: the record is wrong, so it is refused.
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
    }

    [Theory]
    [InlineData("negative limit")]
    [InlineData("unknown state")]
    [InlineData("limit the plan lacks")]
    public async Task StoreRecordWithAProblem_IsRefusedAsInvalid_NeverServedWithTheProblemIgnored(string problem)
    {
        var key = NewKey();
        var store = new TestStore();
        store.Records[ApiKeyHash.Compute(key)] = problem switch
        {
            "negative limit" => new ApiKeyRecord { Id = "db-key", Plan = "free", Limits = new Dictionary<string, long> { ["minute"] = -5 } },
            "unknown state" => new ApiKeyRecord { Id = "db-key", Plan = "free", State = (ApiKeyState)99 },
            _ => new ApiKeyRecord { Id = "db-key", Plan = "free", Limits = new Dictionary<string, long> { ["gold"] = 5 } },
        };
        await using var api = await StartAsync(store);

        using var response = await api.GetAsync("/ok", key);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Name == "BadKeyRecord" && r.Message.Contains("db-key", StringComparison.Ordinal));
    }
}
