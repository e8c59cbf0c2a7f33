using System.Net;
using ErrorCatalog.Middleware.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>Usage you can read, counted in Redis: what one instance charged, another reads with the headers' figures.</summary>
public sealed class RedisUsageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    internal static string Section(string ipLimit = "") => $$"""
        {
          "Headers": "XRateLimit, Ietf, UnitsLimit",
          {{ipLimit}}
          "Plans": {
            "p": { "Limits": {
              "minute": { "PermitLimit": 10, "Window": "minute" },
              "daily": { "PermitLimit": 40, "Window": "day", "Sliding": true },
              "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day", "Scope": "Subscription" },
              "inflight": { "Kind": "Concurrency", "PermitLimit": 3 } } },
            "solo": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 150, "Window": "day" } } }
          },
          "Subscriptions": { "s": { "Plan": "p", "Limits": { "credits": 500 } } },
          "ApiKeys": [
            { "Id": "a", "Hash": "{{RedisTestApi.Hash("usage-a")}}", "Subscription": "s", "Limits": { "credits": 300 } },
            { "Id": "b", "Hash": "{{RedisTestApi.Hash("usage-b")}}", "Subscription": "s" },
            { "Id": "o", "Hash": "{{RedisTestApi.Hash("usage-o")}}", "Plan": "solo", "Overage": true }
          ]
        }
        """;

    [Fact]
    public async Task KeyUsage_ReadByAnotherInstance_EqualsTheHeadersOfEachRequest_FixedSlidingCreditsAndSharedSubscription()
    {
        // Arrange: two instances sharing Redis and a clock.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        await using var one = await RedisTestApi.StartAsync(redis, prefix, time, Section());
        await using var two = await RedisTestApi.StartAsync(redis, prefix, time, Section());

        // Act / Assert: each request served by one instance, read by the other.
        var steps = new (RedisTestApi Serves, RedisTestApi Reads, string Key, string Id)[]
        {
            (one, two, "usage-a", "a"), (two, one, "usage-b", "b"), (one, two, "usage-a", "a"), (two, one, "usage-a", "a"), (one, two, "usage-b", "b"),
        };
        foreach (var (serves, reads, key, id) in steps)
        {
            using var response = await serves.GetAsync("/credits", key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await Usage(reads).GetKeyUsageAsync(id);
            UsageAssert.MatchesHeaders(response, report!);
        }

        // The subscription's 500 is shared: 5 calls of 100; A's own 300, of which it used 300.
        var subscription = (await Usage(two).GetSubscriptionUsageAsync("s"))!;
        Assert.Equal((500L, 500L, 0L), (subscription.Limits[0].Limit, subscription.Limits[0].Used, subscription.Limits[0].Remaining));
        var a = (await Usage(one).GetKeyUsageByHashAsync(ApiKeyHash.Compute("usage-a")))!;
        Assert.Equal((300L, 0L), (a.Limit("credits-key").Used, a.Limit("credits-key").Remaining));

        // A day on (noon): the sliding day still counts half of yesterday's 2 requests of B.
        time.Advance(TimeSpan.FromHours(24));
        using var nextDay = await one.GetAsync("/data", "usage-b");
        var slid = (await Usage(two).GetKeyUsageAsync("b"))!;
        UsageAssert.MatchesHeaders(nextDay, slid);
        Assert.Equal(1 + 1, slid.Limit("daily").Used);
        Assert.Equal(1, slid.Limit("credits").Used); // this request's default credit: yesterday's are another day's
    }

    [Fact]
    public async Task Overage_ReadFromRedis_ReportsUseBeyondTheQuota()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        await using var api = await RedisTestApi.StartAsync(redis, RedisCounterStoreTests.Prefix(), time, Section());

        // Act: 200 credits of a 150-credit quota, admitted as overage.
        HttpResponseMessage? last = null;
        for (var i = 0; i < 2; i++)
        {
            last?.Dispose();
            last = await api.GetAsync("/credits", "usage-o");
            Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        }

        var report = (await Usage(api).GetKeyUsageAsync("o"))!;

        // Assert
        using (last)
        {
            UsageAssert.MatchesHeaders(last!, report);
        }

        Assert.Equal((200L, 0L, true), (report.Limits[0].Used, report.Limits[0].Remaining, report.Limits[0].Overage));
    }

    [Fact]
    public async Task Reading_ChargesNothing_AndWritesNoKey()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        await using var api = await RedisTestApi.StartAsync(redis, prefix, time, Section());
        var usage = Usage(api);
        using var first = await api.GetAsync("/credits", "usage-a");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keysBefore = WindowKeys(server, prefix);

        // Act: every kind of read, several times, of a used key and of one nobody used.
        for (var i = 0; i < 3; i++)
        {
            await usage.GetKeyUsageAsync("a");
            await usage.GetKeyUsageAsync("b");
            await usage.GetKeyUsageByRecordAsync(new ApiKeyRecord { Id = "o", Plan = "solo" });
            await usage.GetSubscriptionUsageAsync("s");
        }

        var keysAfterReads = WindowKeys(server, prefix);
        using var second = await api.GetAsync("/credits", "usage-a");

        // Assert
        Assert.Equal(keysBefore, keysAfterReads);
        var before = UsageAssert.RateLimitField(first);
        var after = UsageAssert.RateLimitField(second);
        Assert.Equal(before["minute"].Remaining - 1, after["minute"].Remaining);
        Assert.Equal(before["credits"].Remaining - 100, after["credits"].Remaining);
        Assert.Equal(before["credits-key"].Remaining - 100, after["credits-key"].Remaining);
        Assert.Equal(0, (await usage.GetKeyUsageAsync("b"))!.Limit("minute").Used);
    }

    [Fact]
    public async Task Concurrency_ReadsTheLeasesInFlightOnEveryInstance_AndTheEndpointsBodyEqualsItsHeaders()
    {
        // Arrange: a request of A held in flight on one instance.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        await using var one = await RedisTestApi.StartAsync(redis, prefix, time, Section());
        await using var two = await RedisTestApi.StartAsync(redis, prefix, time, Section(), map: app => app.MapApiUsage());
        var held = one.GetAsync("/slow", "usage-a");
        await one.Entered.Task.WaitAsync(Patience);

        // Act
        var read = (await Usage(two).GetKeyUsageAsync("a"))!;
        using var own = await two.GetAsync("/usage", "usage-a");
        var body = UsageAssert.FromJson(await ReadJsonAsync(own));
        one.Gate.SetResult();
        using var _ = await held.WaitAsync(Patience);

        // Assert
        Assert.Equal((1L, 2L, (DateTimeOffset?)null), (read.Limit("inflight").Used, read.Limit("inflight").Remaining, read.Limit("inflight").Reset));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        UsageAssert.MatchesHeaders(own, body);
        Assert.Equal(2, body.Limit("inflight").Used);
    }

    [Fact]
    public async Task RequestUsage_WithAnIpLimitInAnotherSlot_EqualsTheHeaders()
    {
        // Arrange: the IP's counters carry another hash tag than the key's: read one call per tag.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        var section = Section(""" "IpLimit": { "PermitLimit": 100, "Window": "minute" }, """);
        await using var one = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var two = await RedisTestApi.StartAsync(redis, prefix, time, section);
        using var first = await one.GetAsync("/data", "usage-b");
        using var response = await one.GetAsync("/credits", "usage-b");

        // Act: the same client, read on the other instance outside any request of its own.
        var report = await Usage(two).GetRequestUsageAsync(Request(two, "usage-b"));

        // Assert
        UsageAssert.MatchesHeaders(response, report!);
        Assert.Equal(("ip", LimitScope.Ip, 2L), (report!.Limits[0].Name, report.Limits[0].Scope, report.Limits[0].Used));
    }

    [Fact]
    public async Task RedisDown_TheServiceThrowsCounterStoreUnavailable_AndTheEndpointAnswersTheCatalogs503()
    {
        // Arrange: counters that fail open, so the endpoint's own request is admitted uncounted.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        await using var api = await RedisTestApi.StartAsync(redis, RedisCounterStoreTests.Prefix(), time, Section(), map: app => app.MapApiUsage());
        using var before = await api.GetAsync("/data", "usage-a");
        redis.Kill();

        // Act
        var thrown = await Record.ExceptionAsync(async () => await Usage(api).GetKeyUsageAsync("a"));
        using var own = await api.GetAsync("/usage", "usage-a");

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.IsType<CounterStoreUnavailableException>(thrown);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, own.StatusCode);
        Assert.Equal("1", own.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", own.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BuiltInRateLimiter_GetStatistics_ReportsWhatThisInstanceLearntFromRedis()
    {
        // Arrange: the catalog's limits in the framework's UseRateLimiter, counted in Redis.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = RedisCounterStoreTests.Section("stats-key", """ "minute": { "PermitLimit": 3, "Window": "minute" }, "day": { "PermitLimit": 100, "Window": "day" } """);
        await using var api = await RedisTestApi.StartAsync(redis, RedisCounterStoreTests.Prefix(), time, section, builtInLimiter: true);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await RedisCounterStoreTests.StatusAsync(api, "stats-key"));
        }

        var limiter = api.App.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter!;

        // Act
        var statistics = limiter.GetStatistics(Request(api, "stats-key"));

        // Assert: Redis answers asynchronously, so each request is one lease (AcquireAsync's).
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal((0L, 0L, 3L, 2L), (statistics!.CurrentAvailablePermits, statistics.CurrentQueuedCount, statistics.TotalSuccessfulLeases, statistics.TotalFailedLeases));
    }

    /// <summary>The window counters under the prefix (a lease set comes and goes with the release its request queued).</summary>
    private static List<string> WindowKeys(IServer server, string prefix) =>
        [.. server.Keys(pattern: prefix + "*").Select(k => k.ToString()).Where(k => !k.EndsWith(":leases", StringComparison.Ordinal)).Order()];

    internal static IApiUsage Usage(RedisTestApi api) => api.App.Services.GetRequiredService<IApiUsage>();

    internal static DefaultHttpContext Request(RedisTestApi api, string key)
    {
        var context = new DefaultHttpContext { RequestServices = api.App.Services };
        context.Request.Headers[RedisTestApi.KeyHeader] = key;
        return context;
    }

    private static async Task<System.Text.Json.JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }
}
