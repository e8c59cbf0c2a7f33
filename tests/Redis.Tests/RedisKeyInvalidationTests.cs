using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// Key invalidations over Redis pub/sub: two instances share one Redis and one key store; an invalidation made on
/// one applies on the other within a second, and a reconnect to Redis clears what may have been missed.
/// </summary>
public sealed class RedisKeyInvalidationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Section = """
        {
          "Headers": "XRateLimit",
          "KeyReading": { "CacheDuration": "00:00:30" },
          "Plans": {
            "free": { "Limits": { "minute": { "PermitLimit": 100000, "Window": "minute" } } },
            "pro": { "Limits": { "minute": { "PermitLimit": 200000, "Window": "minute" } } }
          }
        }
        """;

    // Limits high enough that polling never reaches them.
    private const string Free = "100000";
    private const string Pro = "200000";

    internal static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    /// <summary>The app's key store, shared by both instances: a test changes its records.</summary>
    internal sealed class SharedStore : IApiKeyStore
    {
        public ConcurrentDictionary<ApiKeyHash, ApiKeyRecord> Records { get; } = new();

        public void Set(string key, ApiKeyRecord record) => Records[ApiKeyHash.Compute(key)] = record;

        public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken) => new(Records.GetValueOrDefault(hash));
    }

    internal sealed record Answer(HttpStatusCode Status, string? Code, string? Limit);

    [Fact]
    public async Task RevokedThroughTheInvalidatorOnA_IsRefusedByB_WithinOneSecond()
    {
        // Arrange: both instances serve the key, so each has it cached.
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        store.Set("rk", new ApiKeyRecord { Id = "rk-id", Plan = "free" });
        var (a, b) = await StartTwoAsync(redis.Configuration, store);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(a, "rk")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "rk")).Status);

        // Act: revoked in the store (B still answers from its cache), then invalidated on A.
        store.Set("rk", new ApiKeyRecord { Id = "rk-id", Plan = "free", State = ApiKeyState.Revoked });
        var cachedOnB = await SendAsync(b, "rk");
        await Invalidator(a).InvalidateKeyAsync(ApiKeyHash.Compute("rk"), CancellationToken.None);
        var onA = await SendAsync(a, "rk");
        var (onB, took) = await PollAsync(b, "rk", answer => answer.Code == "KEY_REVOKED", Within);
        output.WriteLine($"B refused {took.TotalMilliseconds:0.0} ms after the invalidation call returned on A");

        // Assert: the catalog's revoked-key answer on both.
        Assert.Equal(HttpStatusCode.OK, cachedOnB.Status);
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onA);
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
        Assert.True(took < Within, $"B refused after {took.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RevokedAndInvalidatedByIdOnA_IsRefusedByB_WithinOneSecond()
    {
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        store.Set("ik", new ApiKeyRecord { Id = "ik-id", Plan = "free" });
        var (a, b) = await StartTwoAsync(redis.Configuration, store);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "ik")).Status);

        store.Set("ik", new ApiKeyRecord { Id = "ik-id", Plan = "free", State = ApiKeyState.Revoked });
        await Invalidator(a).InvalidateKeyAsync("ik-id", CancellationToken.None);
        var (onB, took) = await PollAsync(b, "ik", answer => answer.Code == "KEY_REVOKED", Within);

        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
        Assert.True(took < Within, $"B refused after {took.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task SubscriptionMovedToAnotherPlanOnA_TakesTheNewPlansLimitsOnB_WithinOneSecond()
    {
        // Arrange: two keys of one subscription, on the free plan, cached on B.
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        store.Set("s1", new ApiKeyRecord { Id = "s1-id", SubscriptionId = "acme", Plan = "free" });
        store.Set("s2", new ApiKeyRecord { Id = "s2-id", SubscriptionId = "acme", Plan = "free" });
        var (a, b) = await StartTwoAsync(redis.Configuration, store);
        await using var disposeA = a;
        await using var disposeB = b;
        var before = await SendAsync(b, "s1");
        Assert.Equal(Free, (await SendAsync(b, "s2")).Limit);

        // Act: the subscription moves to pro.
        store.Set("s1", new ApiKeyRecord { Id = "s1-id", SubscriptionId = "acme", Plan = "pro" });
        store.Set("s2", new ApiKeyRecord { Id = "s2-id", SubscriptionId = "acme", Plan = "pro" });
        await Invalidator(a).InvalidateSubscriptionAsync("acme", CancellationToken.None);
        var (afterS1, took) = await PollAsync(b, "s1", answer => answer.Limit == Pro, Within);
        var afterS2 = await SendAsync(b, "s2");

        // Assert
        Assert.Equal(new Answer(HttpStatusCode.OK, null, Free), before);
        Assert.Equal(new Answer(HttpStatusCode.OK, null, Pro), afterS1);
        Assert.Equal(new Answer(HttpStatusCode.OK, null, Pro), afterS2);
        Assert.True(took < Within, $"B changed plan after {took.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task UnknownKeyCachedAsUnknown_ThenCreated_IsAdmittedByB_AfterInvalidatingItsHashOnA()
    {
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        var (a, b) = await StartTwoAsync(redis.Configuration, store);
        await using var disposeA = a;
        await using var disposeB = b;
        var unknown = await SendAsync(b, "nk");

        store.Set("nk", new ApiKeyRecord { Id = "nk-id", Plan = "free" });
        var stillUnknown = await SendAsync(b, "nk");
        await Invalidator(a).InvalidateKeyAsync(ApiKeyHash.Compute("nk"), CancellationToken.None);
        var (admitted, took) = await PollAsync(b, "nk", answer => answer.Status == HttpStatusCode.OK, Within);

        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "API_KEY_INVALID", null), unknown);
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "API_KEY_INVALID", null), stillUnknown);
        Assert.Equal(new Answer(HttpStatusCode.OK, null, Free), admitted);
        Assert.True(took < Within, $"B admitted after {took.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task InvalidationWhileRedisIsDown_AppliesLocallyAndThrows_AndTheOthersClearTheirCacheOnReconnect()
    {
        // Arrange: both instances have the key cached.
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        store.Set("dk", new ApiKeyRecord { Id = "dk-id", Plan = "free" });
        var (a, b) = await StartTwoAsync(redis.Configuration, store);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(a, "dk")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "dk")).Status);

        // Act: Redis goes away; the key is revoked and invalidated on A, which cannot tell B.
        redis.Kill();
        await WaitUntilAsync(() => !b.App.Services.GetRequiredService<RedisConnection>().Multiplexer.IsConnected, TimeSpan.FromSeconds(10));
        store.Set("dk", new ApiKeyRecord { Id = "dk-id", Plan = "free", State = ApiKeyState.Revoked });
        var thrown = await Assert.ThrowsAsync<ApiKeyInvalidationException>(
            () => Invalidator(a).InvalidateKeyAsync(ApiKeyHash.Compute("dk"), CancellationToken.None));
        var onA = await SendAsync(a, "dk");
        var onBWhileDown = await SendAsync(b, "dk");
        await redis.StartAsync();
        var (onB, _) = await PollAsync(b, "dk", answer => answer.Code == "KEY_REVOKED", TimeSpan.FromSeconds(10));

        // Assert: A applied it at once; B, which missed it, cleared its cache when it reconnected.
        Assert.Contains("could not be sent to the other instances", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onA);
        Assert.Equal(HttpStatusCode.OK, onBWhileDown.Status);
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
    }

    [Fact]
    public async Task AppsOwnMultiplexer_CarriesInvalidations_AndKeepsNoSubscriptionOnceTheAppsStop()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var store = new SharedStore();
        store.Set("ok", new ApiKeyRecord { Id = "ok-id", Plan = "free" });
        var prefix = RedisCounterStoreTests.Prefix();
        var (a, b) = await StartTwoAsync(redis.Configuration, store, prefix, _ => multiplexer);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "ok")).Status);

        // Act
        store.Set("ok", new ApiKeyRecord { Id = "ok-id", Plan = "free", State = ApiKeyState.Revoked });
        await Invalidator(a).InvalidateKeyAsync("ok-id", CancellationToken.None);
        var (onB, _) = await PollAsync(b, "ok", answer => answer.Code == "KEY_REVOKED", Within);
        await b.App.StopAsync(CancellationToken.None);
        await a.App.StopAsync(CancellationToken.None);
        var subscribers = await redis.CliAsync($"PUBSUB NUMSUB {prefix}key-invalidations");

        // Assert
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
        Assert.Equal([$"{prefix}key-invalidations", "0"], subscribers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(multiplexer.IsConnected);
    }

    [Fact]
    public async Task InstanceStartedWhileRedisIsDown_ReceivesInvalidationsOnceRedisIsUp()
    {
        // Arrange: B starts while Redis is down, so its subscription cannot be made at start-up.
        await using var redis = await RedisServer.StartAsync();
        redis.Kill();
        var store = new SharedStore();
        store.Set("lk", new ApiKeyRecord { Id = "lk-id", Plan = "free" });
        var prefix = RedisCounterStoreTests.Prefix();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, Section, configure: builder => builder.Services.AddSingleton<IApiKeyStore>(store));
        await redis.StartAsync();
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, Section, configure: builder => builder.Services.AddSingleton<IApiKeyStore>(store));
        await WaitUntilAsync(() => b.App.Services.GetRequiredService<RedisConnection>().Multiplexer.IsConnected, TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        while (await SubscribersAsync(redis, prefix) < 2)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "B did not subscribe within 10 s of Redis starting");
            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "lk")).Status);

        // Act
        store.Set("lk", new ApiKeyRecord { Id = "lk-id", Plan = "free", State = ApiKeyState.Revoked });
        await Invalidator(a).InvalidateKeyAsync("lk-id", CancellationToken.None);
        var (onB, took) = await PollAsync(b, "lk", answer => answer.Code == "KEY_REVOKED", Within);

        // Assert
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
        Assert.True(took < Within, $"B refused after {took.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task UnreadableMessage_ClearsTheWholeKeyCache()
    {
        // Arrange: a message of a kind this version does not know (a newer instance's, say).
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        store.Set("uk", new ApiKeyRecord { Id = "uk-id", Plan = "free" });
        var prefix = RedisCounterStoreTests.Prefix();
        var (a, b) = await StartTwoAsync(redis.Configuration, store, prefix);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "uk")).Status);

        // Act
        store.Set("uk", new ApiKeyRecord { Id = "uk-id", Plan = "free", State = ApiKeyState.Revoked });
        await redis.CliAsync($"PUBLISH {prefix}key-invalidations x:something-new");
        var (onB, _) = await PollAsync(b, "uk", answer => answer.Code == "KEY_REVOKED", Within);

        // Assert
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
    }

    [Fact]
    public async Task ReceivedInvalidations_AreCountedByKindAndOrigin_AndLoggedAtDebug()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var store = new SharedStore();
        var (a, b) = await StartTwoAsync(redis.Configuration, store, logging: true);
        await using var disposeA = a;
        await using var disposeB = b;
        using var onA = Collect(a);
        using var onB = Collect(b);

        // Act
        await Invalidator(a).InvalidateSubscriptionAsync("acme", CancellationToken.None);
        await onB.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        await onA.WaitForMeasurementsAsync(2, TimeSpan.FromSeconds(10));

        // Assert: A counts its own call and, harmlessly, its own message; B the message.
        Assert.Equal(
            [("subscription", "broadcast"), ("subscription", "local")],
            onA.GetMeasurementSnapshot().Select(m => ((string)m.Tags["kind"]!, (string)m.Tags["origin"]!)).Order());
        var received = Assert.Single(onB.GetMeasurementSnapshot());
        Assert.Equal(("subscription", "broadcast"), ((string)received.Tags["kind"]!, (string)received.Tags["origin"]!));
        var logged = Assert.Single(b.App.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "KeyInvalidationReceived");
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Contains("acme", logged.Message, StringComparison.Ordinal);
    }

    private static MetricCollector<long> Collect(RedisTestApi api) =>
        new(api.App.Services.GetRequiredService<IMeterFactory>(), ApiErrorCatalogMetrics.MeterName, "errorcatalog.keys.invalidations");

    internal static async Task<(RedisTestApi A, RedisTestApi B)> StartTwoAsync(
        string redis, SharedStore store, string? prefix = null, Func<IServiceProvider, IConnectionMultiplexer>? connection = null, bool logging = false,
        string? configurationB = null)
    {
        var time = new FakeTimeProvider(RedisTestApi.Start);
        prefix ??= RedisCounterStoreTests.Prefix();
        void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
        {
            builder.Services.AddSingleton<IApiKeyStore>(store);
            if (logging)
            {
                builder.Logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
            }
        }

        var a = await RedisTestApi.StartAsync(redis, prefix, time, Section, connection: connection, configure: Configure);
        return (a, await RedisTestApi.StartAsync(configurationB ?? redis, prefix, time, Section, connection: connection, configure: Configure));
    }

    internal static IApiKeyInvalidator Invalidator(RedisTestApi api) => api.App.Services.GetRequiredService<IApiKeyInvalidator>();

    internal static async Task<Answer> SendAsync(RedisTestApi api, string key)
    {
        using var response = await api.GetAsync("/data", key);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            code = body.RootElement.GetProperty("code").GetString();
        }

        var limit = response.Headers.TryGetValues("X-RateLimit-Limit", out var values) ? values.Single() : null;
        return new Answer(response.StatusCode, code, limit);
    }

    /// <summary>Asks <paramref name="api"/> until an answer satisfies <paramref name="done"/>; that answer and how long it took.</summary>
    internal static async Task<(Answer Answer, TimeSpan Took)> PollAsync(RedisTestApi api, string key, Func<Answer, bool> done, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var answer = await SendAsync(api, key);
            if (done(answer) || watch.Elapsed > limit + TimeSpan.FromSeconds(5))
            {
                return (answer, watch.Elapsed);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>How many connections subscribe to the invalidation channel, as Redis counts them.</summary>
    private static async Task<int> SubscribersAsync(RedisServer redis, string prefix)
    {
        var reply = await redis.CliAsync($"PUBSUB NUMSUB {prefix}key-invalidations");
        return int.Parse(reply.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, $"condition not met within {limit}");
            await Task.Delay(10);
        }
    }
}
