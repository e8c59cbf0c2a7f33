using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The Redis counters against a real redis-server: exactness across instances, leases, outages, durability.</summary>
public sealed class RedisCounterStoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string Section(string key, string limits, string keyExtra = "", string subscriptions = "") => $$"""
        {
          "Headers": "XRateLimit",
          "Plans": { "p": { "Limits": { {{limits}} } } },
          "Subscriptions": { {{subscriptions}} },
          "ApiKeys": [ { "Id": "k1", "Hash": "{{RedisTestApi.Hash(key)}}", "Plan": "p" {{keyExtra}} } ]
        }
        """;

    private static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task TwoInstances_64ConcurrentClients_AdmitExactlyN()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("exact-key", """ "minute": { "PermitLimit": 50, "Window": "minute" } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section);

        // Act: 3 rounds of 64 concurrent clients, alternating instances.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? a : b).GetAsync("/data", "exact-key");
                statuses.Add(response.StatusCode);
            }));
        }

        // Assert
        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        var refused = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        output.WriteLine($"two instances, 192 requests by 64 concurrent clients, limit 50: admitted {admitted}, refused {refused}");
        Assert.True(admitted == 50 && refused == 142, $"admitted {admitted}, refused {refused}, other {statuses.Count - admitted - refused}");
    }

    [Fact]
    public async Task SharedSubscription_AcrossInstances_KeyOverItsShareIsRefusedWhileSiblingGoesOn()
    {
        // Arrange: two keys of 500 credits within a subscription of 1000, each key served by its own instance.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = $$"""
            {
              "Plans": { "p": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day", "Scope": "Subscription" } } } },
              "Subscriptions": { "s": { "Plan": "p" } },
              "ApiKeys": [
                { "Id": "a", "Hash": "{{RedisTestApi.Hash("key-a")}}", "Subscription": "s", "Limits": { "credits": 500 } },
                { "Id": "b", "Hash": "{{RedisTestApi.Hash("key-b")}}", "Subscription": "s", "Limits": { "credits": 500 } }
              ]
            }
            """;
        await using var one = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var two = await RedisTestApi.StartAsync(redis, prefix, time, section);

        // Act / Assert: A uses its 500 (100 per call) through both instances, then is refused; B goes on.
        for (var i = 0; i < 5; i++)
        {
            using var ok = await (i % 2 == 0 ? one : two).GetAsync("/credits", "key-a");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var refusedA = await two.GetAsync("/credits", "key-a"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refusedA.StatusCode);
        }

        for (var i = 0; i < 5; i++)
        {
            using var ok = await (i % 2 == 0 ? two : one).GetAsync("/credits", "key-b");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The subscription's 1000 are used: both keys refused, on both instances.
        foreach (var (api, key) in new[] { (one, "key-a"), (two, "key-b"), (one, "key-b") })
        {
            using var refused = await api.GetAsync("/credits", key);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
    }

    [Fact]
    public async Task InstanceDiesWithLeaseInFlight_LeaseFreesAfterLeaseTimeout()
    {
        // Arrange: a concurrency limit of 1; instance A holds the lease with a request in flight.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("lease-key", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section);
        var inFlight = a.GetAsync("/slow", "lease-key");
        await a.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(b, "lease-key"));

        // Act: A dies (its release never reaches Redis), its request ends.
        a.KillCounters();
        a.Gate.SetResult();
        (await inFlight).Dispose();

        // Assert: still held until the lease times out (5 s on the shared clock), then free.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(b, "lease-key"));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, "lease-key"));
    }

    [Fact]
    public async Task NormalRequestEnd_ReleasesTheLeaseAtOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("release-key", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } """);
        await using var a = await RedisTestApi.StartAsync(redis, Prefix(), time, section);

        for (var i = 0; i < 5; i++)
        {
            await WaitUntilAsync(async () => (await StatusAsync(a, "release-key")) == HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("FailOpen", HttpStatusCode.OK)]
    [InlineData("FailClosed", HttpStatusCode.ServiceUnavailable)]
    public async Task RedisStoppedMidLoad_PolicyHolds_No500s_NoWaitPastTimeout_CountingResumesWithinASecond(string policy, HttpStatusCode duringOutage)
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("outage-key", """ "minute": { "PermitLimit": 1000000, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, policy);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "outage-key"));

        // Act: stop Redis and keep sending.
        redis.Kill();
        var outage = new List<(HttpStatusCode Status, TimeSpan Took)>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await api.GetAsync("/data", "outage-key");
            outage.Add((response.StatusCode, watch.Elapsed));
            if (duringOutage == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            }
        }

        await redis.StartAsync();
        var back = Stopwatch.StartNew();
        var counted = false;
        while (back.Elapsed < TimeSpan.FromSeconds(5) && !counted)
        {
            using var response = await api.GetAsync("/data", "outage-key");
            counted = response.StatusCode == HttpStatusCode.OK && response.Headers.Contains("X-RateLimit-Remaining");
            if (!counted)
            {
                await Task.Delay(20);
            }
        }

        // Assert
        output.WriteLine($"{policy}: {outage.Count} requests during the outage, slowest {outage.Max(o => o.Took).TotalMilliseconds:F0} ms; counting resumed {back.Elapsed.TotalMilliseconds:F0} ms after Redis answered again");
        Assert.All(outage, o => Assert.Equal(duringOutage, o.Status));
        // The timeout is 250 ms; allow scheduling slack on a loaded 2-core machine, far below a hang.
        Assert.All(outage, o => Assert.True(o.Took < TimeSpan.FromMilliseconds(500), $"a request waited {o.Took.TotalMilliseconds:F0} ms"));
        Assert.True(counted, "counting did not resume within 5 s");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(1), $"counting resumed {back.Elapsed.TotalMilliseconds:F0} ms after Redis came back");
    }

    [Fact]
    public async Task WithAppendOnlyFile_QuotaSurvivesARedisRestart()
    {
        // Arrange: a monthly quota of 5; 3 used.
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("aof-key", """ "month": { "PermitLimit": 5, "Window": "month" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, "FailClosed");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "aof-key"));
        }

        // Act: Redis crashes and comes back from its append-only file.
        redis.Kill();
        await redis.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(api.CountersConnected));

        // Assert: 2 left, then refused.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "aof-key"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "aof-key"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(api, "aof-key"));
    }

    [Fact]
    public async Task EveryDecision_IsOneEvalshaCommand()
    {
        // Arrange: IP, minute, month and credits limits on one key.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = """
            {
              "IpLimit": { "PermitLimit": 100000, "Window": "minute" },
            """ + Section("one-trip", """
              "minute": { "PermitLimit": 100000, "Window": "minute" },
              "month": { "PermitLimit": 100000, "Window": "month" },
              "credits": { "Kind": "Credits", "PermitLimit": 100000, "Window": "day" }
            """).TrimStart().TrimStart('{');
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "one-trip")); // loads the script
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "one-trip"));
        }

        // Assert: 100 requests, 100 EVALSHA; every other command counted was issued by the script itself
        // (commandstats counts a script's redis.call too), none by the client.
        var stats = await redis.CliAsync("INFO commandstats");
        var calls = stats.Split('\n')
            .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(l => l[8..l.IndexOf(':')], l => int.Parse(l.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(100, calls["evalsha"]);
        string[] inScript = ["get", "incrby", "pexpire", "zremrangebyscore", "zcard", "zadd", "evalsha", "info", "ping"];
        Assert.Empty(calls.Keys.Where(c => !c.StartsWith("config", StringComparison.Ordinal)).Except(inScript));
    }

    private static async Task<HttpStatusCode> StatusAsync(RedisTestApi api, string key)
    {
        using var response = await api.GetAsync("/data", key);
        return response.StatusCode;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
