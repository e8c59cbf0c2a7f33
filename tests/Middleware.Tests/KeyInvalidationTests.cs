using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// <see cref="IApiKeyInvalidator"/> on one instance: a changed key store record applies to the next request instead
/// of when its cached answer expires.
/// </summary>
public sealed class KeyInvalidationTests
{
    private const string Json = """
        {
          "ApiErrorCatalog": {
            "KeyReading": { "CacheDuration": "00:00:30" },
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 100, "Window": "minute" } } },
              "pro": { "Limits": { "minute": { "PermitLimit": 1000, "Window": "minute" } } }
            }
          }
        }
        """;

    /// <summary>A key store whose records a test changes, counting lookups; a lookup can be held at a gate.</summary>
    private sealed class ChangingStore : IApiKeyStore
    {
        private int _lookups;

        public ConcurrentDictionary<ApiKeyHash, ApiKeyRecord> Records { get; } = new();

        public int Lookups => Volatile.Read(ref _lookups);

        /// <summary>When set, a lookup reads its record, signals <see cref="Read"/>, then waits for this before answering.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lookups);
            var record = Records.GetValueOrDefault(hash);
            return Gate is { } gate ? HeldAsync(record, gate) : new(record);
        }

        private async ValueTask<ApiKeyRecord?> HeldAsync(ApiKeyRecord? record, TaskCompletionSource gate)
        {
            Read.TrySetResult();
            await gate.Task;
            return record;
        }
    }

    private static async Task<(TestApi Api, IApiKeyInvalidator Invalidator)> StartAsync(ChangingStore store)
    {
        var api = await TestApi.StartAsync(Json, configure: builder => builder.Services.AddSingleton<IApiKeyStore>(store));
        return (api, api.App.Services.GetRequiredService<IApiKeyInvalidator>());
    }

    [Fact]
    public async Task RevokedKey_InvalidatedByHash_IsRefusedOnTheNextRequest()
    {
        // Arrange: the key is admitted and cached.
        var key = NewKey();
        var hash = ApiKeyHash.Compute(key);
        var store = new ChangingStore();
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        using var admitted = await api.GetAsync("/ok", key);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);

        // Act: revoked in the store, then invalidated; no time passes.
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free", State = ApiKeyState.Revoked };
        using var stillCached = await api.GetAsync("/ok", key);
        await invalidator.InvalidateKeyAsync(hash, CancellationToken.None);
        using var refused = await api.GetAsync("/ok", key);

        // Assert
        Assert.Equal(HttpStatusCode.OK, stillCached.StatusCode);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "KEY_REVOKED", null);
        Assert.Equal(2, store.Lookups);
    }

    [Fact]
    public async Task RevokedKey_InvalidatedById_IsRefusedOnTheNextRequest_AndOtherKeysStayCached()
    {
        var key = NewKey();
        var other = NewKey();
        var hash = ApiKeyHash.Compute(key);
        var store = new ChangingStore();
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        store.Records[ApiKeyHash.Compute(other)] = new ApiKeyRecord { Id = "other-key", Plan = "free" };
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        using var first = await api.GetAsync("/ok", key);
        using var firstOther = await api.GetAsync("/ok", other);

        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free", State = ApiKeyState.Revoked };
        await invalidator.InvalidateKeyAsync("db-key", CancellationToken.None);
        using var refused = await api.GetAsync("/ok", key);
        using var otherAgain = await api.GetAsync("/ok", other);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "KEY_REVOKED", null);
        Assert.Equal(HttpStatusCode.OK, otherAgain.StatusCode);
        Assert.Equal(3, store.Lookups); // the other key was answered from the cache
    }

    [Fact]
    public async Task SubscriptionMovedToAnotherPlan_InvalidatedBySubscription_TakesTheNewPlansLimitsAtOnce()
    {
        // Arrange: two keys of one subscription on the free plan (100 a minute), both cached.
        var a = NewKey();
        var b = NewKey();
        var store = new ChangingStore();
        store.Records[ApiKeyHash.Compute(a)] = new ApiKeyRecord { Id = "a", SubscriptionId = "acme", Plan = "free" };
        store.Records[ApiKeyHash.Compute(b)] = new ApiKeyRecord { Id = "b", SubscriptionId = "acme", Plan = "free" };
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        using var beforeA = await api.GetAsync("/whoami", a);
        using var beforeB = await api.GetAsync("/whoami", b);

        // Act: the subscription moves to pro.
        store.Records[ApiKeyHash.Compute(a)] = new ApiKeyRecord { Id = "a", SubscriptionId = "acme", Plan = "pro" };
        store.Records[ApiKeyHash.Compute(b)] = new ApiKeyRecord { Id = "b", SubscriptionId = "acme", Plan = "pro" };
        await invalidator.InvalidateSubscriptionAsync("acme", CancellationToken.None);
        using var afterA = await api.GetAsync("/whoami", a);
        using var afterB = await api.GetAsync("/whoami", b);

        // Assert
        Assert.Equal("100", Header(beforeA, "X-RateLimit-Limit"));
        Assert.Equal("free", (await ReadJsonAsync(beforeB)).GetProperty("plan").GetString());
        Assert.Equal("1000", Header(afterA, "X-RateLimit-Limit"));
        Assert.Equal("1000", Header(afterB, "X-RateLimit-Limit"));
        Assert.Equal("pro", (await ReadJsonAsync(afterB)).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task UnknownKey_CachedAsUnknown_ThenCreated_IsAdmittedAfterInvalidatingItsHash()
    {
        var key = NewKey();
        var hash = ApiKeyHash.Compute(key);
        var store = new ChangingStore();
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        using var unknown = await api.GetAsync("/ok", key);

        store.Records[hash] = new ApiKeyRecord { Id = "new-key", Plan = "free" };
        using var stillUnknown = await api.GetAsync("/ok", key);
        await invalidator.InvalidateKeyAsync(hash, CancellationToken.None);
        using var admitted = await api.GetAsync("/ok", key);

        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        await AssertProblemAsync(stillUnknown, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task InvalidateAll_MakesEveryKeyAskTheStoreAgain()
    {
        var a = NewKey();
        var b = NewKey();
        var store = new ChangingStore();
        store.Records[ApiKeyHash.Compute(a)] = new ApiKeyRecord { Id = "a", Plan = "free" };
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        using var firstA = await api.GetAsync("/ok", a);
        using var firstB = await api.GetAsync("/ok", b);

        store.Records[ApiKeyHash.Compute(a)] = new ApiKeyRecord { Id = "a", Plan = "free", State = ApiKeyState.Revoked };
        store.Records[ApiKeyHash.Compute(b)] = new ApiKeyRecord { Id = "b", Plan = "free" };
        await invalidator.InvalidateAllAsync(CancellationToken.None);
        using var secondA = await api.GetAsync("/ok", a);
        using var secondB = await api.GetAsync("/ok", b);

        await AssertProblemAsync(secondA, HttpStatusCode.Unauthorized, "KEY_REVOKED", null);
        Assert.Equal(HttpStatusCode.OK, secondB.StatusCode);
        Assert.Equal(4, store.Lookups);
    }

    [Fact]
    public async Task LookupInFlightAcrossAnInvalidation_DoesNotCacheItsOldAnswer()
    {
        // Arrange: a request's lookup reads the key as active and is held before answering.
        var key = NewKey();
        var hash = ApiKeyHash.Compute(key);
        var store = new ChangingStore { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free" };
        var (api, invalidator) = await StartAsync(store);
        await using var _ = api;
        var inFlight = api.GetAsync("/ok", key);
        await store.Read.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Act: revoked and invalidated meanwhile; then the held lookup answers with what it read.
        store.Records[hash] = new ApiKeyRecord { Id = "db-key", Plan = "free", State = ApiKeyState.Revoked };
        await invalidator.InvalidateKeyAsync(hash, CancellationToken.None);
        store.Gate.SetResult();
        using var began = await inFlight;
        store.Gate = null;
        using var next = await api.GetAsync("/ok", key);

        // Assert: the request that began before the revocation is served; its answer was not kept for the next one.
        Assert.Equal(HttpStatusCode.OK, began.StatusCode);
        await AssertProblemAsync(next, HttpStatusCode.Unauthorized, "KEY_REVOKED", null);
    }

    [Fact]
    public async Task ConfiguredKeys_InvalidationIsHarmless_AndTheKeyKeepsWorking()
    {
        var key = NewKey();
        var json = Json.Replace("\"Plans\"", $$"""
            "ApiKeys": [ { "Id": "cfg", "Hash": "{{Hash(key)}}", "Plan": "free" } ],
            "Plans"
            """, StringComparison.Ordinal);
        await using var api = await TestApi.StartAsync(json);
        var invalidator = api.App.Services.GetRequiredService<IApiKeyInvalidator>();

        await invalidator.InvalidateKeyAsync(ApiKeyHash.Compute(key), CancellationToken.None);
        await invalidator.InvalidateKeyAsync("cfg", CancellationToken.None);
        await invalidator.InvalidateSubscriptionAsync("none", CancellationToken.None);
        await invalidator.InvalidateAllAsync(CancellationToken.None);
        using var response = await api.GetAsync("/ok", key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
