using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The Redis counters against a real redis-server: exactness across instances, leases, outages, durability.</summary>
public sealed class RedisCounterStoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal static string Section(string key, string limits, string keyExtra = "", string subscriptions = "") => $$"""
        {
          "Headers": "XRateLimit",
          "Plans": { "p": { "Limits": { {{limits}} } } },
          "Subscriptions": { {{subscriptions}} },
          "ApiKeys": [ { "Id": "k1", "Hash": "{{RedisTestApi.Hash(key)}}", "Plan": "p" {{keyExtra}} } ]
        }
        """;

    // Exactness tests fail closed with a long timeout: on a loaded machine a call past 250 ms would admit uncounted
    // under FailOpen and hide a miscount behind the outage policy; here it would show as a 503 instead.
    internal const string Exact = "FailClosed";
    internal const string ExactTimeout = "00:00:05";

    internal static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task TwoInstances_64ConcurrentClients_AdmitExactlyN()
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("exact-key", """ "minute": { "PermitLimit": 50, "Window": "minute" } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section, Exact, ExactTimeout);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section, Exact, ExactTimeout);

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
        await using var one = await RedisTestApi.StartAsync(redis, prefix, time, section, Exact, ExactTimeout);
        await using var two = await RedisTestApi.StartAsync(redis, prefix, time, section, Exact, ExactTimeout);

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

    /// <summary>
    /// A request's end releases its lease at once for its instance: the next request, sent as soon as the previous
    /// response has completed (the middleware releases before the response body ends), is admitted with no retry, as
    /// its own script call removes the lease before deciding. Other instances see it within a bounded wait: with no
    /// request to carry it, the last release is sent by the timer, fire-and-forget.
    /// </summary>
    [Fact]
    public async Task NormalRequestEnd_ReleasesTheLeaseAtOnce()
    {
        // Arrange: a concurrency limit of 1, two instances. The fake clock never moves, so a lease left held would
        // never expire: only its release frees it.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("release-key", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section);
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section);
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var database = connection.GetDatabase();
        async Task<int> LeaseSetsAsync() => ((StackExchange.Redis.RedisResult[])(await database.ExecuteAsync("KEYS", prefix + "*leases"))!).Length;

        // Act, Assert: back to back on A, each admitted at once (a lease still held refuses the next).
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, "release-key"));
        }

        // Assert: the last lease leaves Redis within the timer's worst case (two release delays and a round trip),
        // bounded at 1 s for a loaded machine; then B, which shares the counters, is admitted.
        var watch = Stopwatch.StartNew();
        while (await LeaseSetsAsync() > 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the lease was still in Redis {watch.ElapsedMilliseconds} ms after the last request ended");
            await Task.Delay(5);
        }

        output.WriteLine($"the last lease left Redis {watch.ElapsedMilliseconds} ms after its request ended");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, "release-key"));
    }

    [Theory]
    [InlineData("stopped", "FailOpen", HttpStatusCode.OK)]
    [InlineData("stopped", "FailClosed", HttpStatusCode.ServiceUnavailable)]
    [InlineData("hung", "FailOpen", HttpStatusCode.OK)]
    [InlineData("hung", "FailClosed", HttpStatusCode.ServiceUnavailable)]
    public async Task RedisOutage_PolicyHolds_No500s_NoWaitPastTimeout_CountingResumesWithinASecond(string outage, string policy, HttpStatusCode duringOutage)
    {
        // Arrange
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("outage-key", """ "minute": { "PermitLimit": 1000000, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, policy);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "outage-key"));

        // Act: Redis stops (killed: its connection drops) or hangs (SIGSTOP: its socket still accepts what the client
        // writes, nothing answers); requests go on; then it comes back.
        if (outage == "hung")
        {
            redis.Pause();
        }
        else
        {
            redis.Kill();
        }

        var during = new List<(HttpStatusCode Status, string? RetryAfter, bool Counted, TimeSpan Took)>();
        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await api.GetAsync("/data", "outage-key");
            during.Add((response.StatusCode, response.Headers.RetryAfter?.ToString(), response.Headers.Contains("X-RateLimit-Remaining"), watch.Elapsed));
        }

        if (outage == "hung")
        {
            redis.Resume();
        }
        else
        {
            await redis.StartAsync();
        }

        var back = Stopwatch.StartNew();
        var counted = false;
        var remaining = "";
        while (back.Elapsed < TimeSpan.FromSeconds(5) && !counted)
        {
            using var response = await api.GetAsync("/data", "outage-key");
            var headers = response.Headers.TryGetValues("X-RateLimit-Remaining", out var values) ? values : [];
            counted = response.StatusCode == HttpStatusCode.OK && headers.Any();
            remaining = counted ? headers.Single() : remaining;
            if (!counted)
            {
                await Task.Delay(20);
            }
        }

        // Assert
        output.WriteLine($"{policy}, Redis {outage}: {string.Join(", ", during.Select(o => $"{(int)o.Status} in {o.Took.TotalMilliseconds:F0} ms"))}; "
            + $"counting resumed {back.Elapsed.TotalMilliseconds:F0} ms after Redis came back, remaining {remaining} of 1000000");
        Assert.All(during, o => Assert.Equal(duringOutage, o.Status)); // no 500, no 429, no other status
        Assert.All(during, o => Assert.Equal(duringOutage == HttpStatusCode.ServiceUnavailable ? "1" : null, o.RetryAfter));
        Assert.All(during, o => Assert.False(o.Counted, "a response during the outage claimed counts"));
        // The timeout is 250 ms; allow scheduling slack on a loaded 2-core machine, far below a hang.
        Assert.All(during, o => Assert.True(o.Took < TimeSpan.FromMilliseconds(500), $"a request waited {o.Took.TotalMilliseconds:F0} ms"));
        Assert.True(counted, "counting did not resume within 5 s");
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(1), $"counting resumed {back.Elapsed.TotalMilliseconds:F0} ms after Redis came back");
        if (outage == "hung")
        {
            // The calls of the requests answered during the hang ran once Redis continued; past their deadline they
            // charge nothing (a 503 must not cost quota): only the request before and the one after are counted.
            Assert.Equal("999998", remaining);
        }
    }

    [Theory]
    [InlineData(1, true)] // one timeout, same connection
    [InlineData(10, true)] // timeouts, then the client drops the connection as dead, fails fast and reconnects
    [InlineData(1, false)] // before any reply: the call carries no deadline, runs late and takes the lease
    [InlineData(10, false)]
    public async Task RedisHung_WithConcurrencyLimit_RequestsAdmittedOpenLeaveNoLeaseBehind(int requestsWhileHung, bool clockKnown)
    {
        // Arrange: a concurrency limit of 1 (and a minute limit, whose headers show when counting is back), fail-open.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("hung-lease-key", """
            "minute": { "PermitLimit": 1000000, "Window": "minute" },
            "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 }
            """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, "FailOpen");
        if (clockKnown)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "hung-lease-key"));
        }
        else
        {
            // No request yet, so no reply has told the store Redis's clock; the script is loaded, so the late call runs.
            using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            await connection.GetServer(redis.Configuration).ScriptLoadAsync(RedisBatchScript.Source);
        }

        // Act: Redis hangs while requests ask for the lease; they time out and are admitted open (they hold no lease).
        // Redis continues and runs the script calls it had buffered.
        redis.Pause();
        for (var i = 0; i < requestsWhileHung; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "hung-lease-key"));
        }

        redis.Resume();
        var statuses = new List<HttpStatusCode>();
        var back = Stopwatch.StartNew();
        while (back.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var response = await api.GetAsync("/data", "hung-lease-key");
            if (response.StatusCode != HttpStatusCode.OK || response.Headers.Contains("X-RateLimit-Remaining"))
            {
                statuses.Add(response.StatusCode); // counted (or refused): Redis answered
            }

            if (statuses.Count == 5)
            {
                break;
            }

            await Task.Delay(20);
        }

        // Assert: nothing is in flight, so every counted request is admitted; a lease left by a timed-out call would
        // refuse them all until it expires (never, on this frozen clock).
        output.WriteLine($"after Redis continued: {string.Join(", ", statuses.Select(s => (int)s))}");
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), statuses);
    }

    [Fact]
    public async Task ScriptCacheFlushed_NextRequestsStillCountExactly()
    {
        // Arrange: a limit of 5, fail-closed (a lost count or an error shows as a 503); 3 used.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("noscript-key", """ "minute": { "PermitLimit": 5, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, "FailClosed");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "noscript-key"));
        }

        // Act: Redis forgets its scripts (as after a restart), so the next EVALSHA answers NOSCRIPT.
        Assert.Equal("OK", (await redis.CliAsync("SCRIPT FLUSH")).Trim());
        var after = new List<(HttpStatusCode Status, string? Remaining)>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.GetAsync("/data", "noscript-key");
            after.Add((response.StatusCode, response.Headers.TryGetValues("X-RateLimit-Remaining", out var values) ? values.Single() : null));
        }

        // Assert: exactly 2 more admitted (remaining 1, then 0), the 6th refused.
        output.WriteLine($"after SCRIPT FLUSH: {string.Join(", ", after.Select(a => $"{(int)a.Status} remaining {a.Remaining ?? "-"}"))}");
        Assert.Equal([(HttpStatusCode.OK, "1"), (HttpStatusCode.OK, "0"), (HttpStatusCode.TooManyRequests, "0")], after);
    }

    [Fact]
    public async Task ScriptCacheFlushed_WhileALeaseIsHeld_TheTimerStillReleasesIt()
    {
        // Arrange: a concurrency limit of 1; instance A holds the lease with a request in flight, B is refused.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("noscript-lease", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } """);
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section, "FailClosed");
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section, "FailClosed");
        var inFlight = a.GetAsync("/slow", "noscript-lease");
        await a.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(b, "noscript-lease"));

        // Act: Redis forgets its scripts, then A's request ends and A sends nothing else: its release goes by the
        // timer, whose EVALSHA answers NOSCRIPT.
        Assert.Equal("OK", (await redis.CliAsync("SCRIPT FLUSH")).Trim());
        a.Gate.SetResult();
        (await inFlight).Dispose();
        await Task.Delay(200);

        // Assert: the lease is gone, so B is admitted.
        Assert.Equal("", (await redis.CliAsync($"KEYS {prefix}*leases")).Trim());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, "noscript-lease"));
    }

    [Fact]
    public async Task ConcurrencyLimit_EachRequestIsOneEvalsha_ReleasesRideAlong_LastOneByTheTimer()
    {
        // Arrange: a concurrency limit no sequential client reaches. The first request loads the script (NOSCRIPT,
        // then the source); its release is sent by the timer before counting starts.
        const int N = 20;
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("ride-key", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 5 } """);
        await using var api = await RedisTestApi.StartAsync(redis, prefix, time, section);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "ride-key"));
        await WaitUntilAsync(async () => (await redis.CliAsync($"KEYS {prefix}*leases")).Trim().Length == 0);
        await using var monitor = await RedisMonitor.StartAsync(redis);
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act: N requests one after the other, then nothing for 200 ms (4 release delays).
        var statuses = new List<HttpStatusCode>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < N; i++)
        {
            statuses.Add(await StatusAsync(api, "ride-key"));
        }

        var requestsTook = watch.Elapsed;
        await Task.Delay(200);
        var idle = watch.Elapsed;
        var commands = await monitor.StopAsync();
        var leaseKeys = await redis.CliAsync($"KEYS {prefix}*leases");
        var calls = CommandStats(await redis.CliAsync("INFO commandstats"));

        // Assert
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        // Sent by the client (not from inside a script) on our keys: EVALSHA only, no ZREM nor anything else.
        var mine = commands.Where(c => c.Arguments.Any(a => a.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        Assert.All(mine.Where(c => !c.FromScript), c => Assert.Equal("EVALSHA", c.Name));

        // Each EVALSHA (this Redis serves this test alone): its one argument holds the request count (0 for the
        // timer's) and the count of releases it carries, as little-endian 16-bit numbers at bytes 8 and 10.
        var scriptCalls = commands.Where(c => !c.FromScript && c.Name == "EVALSHA").Select(c =>
        {
            var blob = c.Arguments[2 + int.Parse(c.Arguments[1], CultureInfo.InvariantCulture)];
            return (Items: blob[8] | (blob[9] << 8), Releases: blob[10] | (blob[11] << 8));
        }).ToList();
        var byRequests = scriptCalls.Where(c => c.Items > 0).ToList();
        var byTimer = scriptCalls.Where(c => c.Items == 0).ToList();
        output.WriteLine($"{N} requests in {requestsTook.TotalMilliseconds:F0} ms: {byRequests.Count} EVALSHA by requests carrying {byRequests.Sum(c => c.Releases)} releases, "
            + $"{byTimer.Count} by the timer carrying {byTimer.Sum(c => c.Releases)}; commandstats evalsha={calls.GetValueOrDefault("evalsha")}, zrem={calls.GetValueOrDefault("zrem")}");

        // One EVALSHA per request, exactly. The timer adds one call per tick at most that found a release waiting
        // (a sequential client leaves at most one): at least one, for the last request's release, and never more
        // than the ticks in the whole run.
        Assert.Equal(N, byRequests.Count);
        Assert.InRange(byTimer.Count, 1, (int)(idle / RedisCounterStore.ReleaseDelay) + 1);
        Assert.True(scriptCalls[^1] is { Items: 0, Releases: 1 }, "the last release was not sent by the timer");

        // Every lease added is removed exactly once, inside a script.
        var added = mine.Where(c => c.FromScript && c.Name == "ZADD").Select(c => c.Arguments[2]).ToList();
        var removed = mine.Where(c => c.FromScript && c.Name == "ZREM").Select(c => c.Arguments[1]).ToList();
        Assert.Equal(N, added.Count);
        Assert.Equal(added.Order(), removed.Order());
        Assert.Equal(N, scriptCalls.Sum(c => c.Releases));

        // INFO commandstats agrees: EVALSHA = requests + timer calls, and no NOSCRIPT retry (EVAL, or SCRIPT LOAD as
        // the client sends the source); its ZREM count includes the script's own calls, which MONITOR shows are all.
        Assert.Equal(N + byTimer.Count, calls["evalsha"]);
        Assert.DoesNotContain(calls.Keys, c => c is "eval" || c.StartsWith("script", StringComparison.Ordinal));
        Assert.Equal(N, calls["zrem"]);

        // 200 ms after the last request, with none since, the lease set is empty (Redis deletes an empty set).
        var leaseKey = mine.First(c => c.FromScript && c.Name == "ZADD").Arguments[0];
        Assert.Equal("", leaseKeys.Trim());
        Assert.Equal("0", (await redis.CliAsync($"ZCARD {leaseKey}")).Trim());
    }

    [Fact]
    public async Task ConcurrencyLimitOne_BackToBackRequestsOnOneInstance_AreAllAdmitted()
    {
        // Arrange: a concurrency limit of 1.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("back-to-back", """ "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, "FailClosed");

        // Act: each request starts as soon as the previous one has ended, far sooner than the release timer
        // (50 ms): the ended request's release rides on the next request's script call, ahead of its decision.
        var statuses = new List<HttpStatusCode>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add(await StatusAsync(api, "back-to-back"));
        }

        // Assert
        output.WriteLine($"20 back-to-back requests in {watch.Elapsed.TotalMilliseconds:F0} ms: {string.Join(", ", statuses.Select(s => (int)s))}");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Theory]
    [InlineData("FailOpen", HttpStatusCode.OK)]
    [InlineData("FailClosed", HttpStatusCode.ServiceUnavailable)]
    public async Task BuiltInRateLimiter_RedisStopped_AppliesTheOutagePolicy_No500s(string policy, HttpStatusCode duringOutage)
    {
        // Arrange: the limits in the framework's UseRateLimiter, counters in Redis.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("limiter-key", """ "minute": { "PermitLimit": 1000000, "Window": "minute" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, policy, builtInLimiter: true);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, "limiter-key"));

        // Act
        redis.Kill();
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("/data", "limiter-key");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.ToString();
        }

        // Assert
        Assert.All(statuses, s => Assert.Equal(duringOutage, s));
        Assert.Equal(duringOutage == HttpStatusCode.ServiceUnavailable ? "1" : null, retryAfter);
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
        string[] inScript = ["get", "incrby", "pexpire", "zremrangebyscore", "zcard", "zadd", "time", "evalsha", "info", "ping"];
        Assert.Empty(calls.Keys.Where(c => !c.StartsWith("config", StringComparison.Ordinal)).Except(inScript));
    }

    /// <summary>INFO commandstats as command -> calls (a script's inner calls included).</summary>
    internal static Dictionary<string, int> CommandStats(string info) => info.Split('\n')
        .Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal))
        .ToDictionary(l => l[8..l.IndexOf(':')], l => int.Parse(l.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture));

    internal static async Task<HttpStatusCode> StatusAsync(RedisTestApi api, string key)
    {
        using var response = await api.GetAsync("/data", key);
        return response.StatusCode;
    }

    /// <summary>
    /// A parameter the framework cannot bind is answered 400 before the endpoint runs: the credits the request was
    /// charged go back in Redis, and the next calls find them; one answered after its day ended gives nothing back,
    /// neither to the next day nor to its own.
    /// </summary>
    [Fact]
    public async Task ParameterThatDoesNotBind_RefundsItsCredits_ButNotAfterItsWindowEnded()
    {
        // Arrange: 300 credits a day, 100 a call.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = Prefix();
        var section = Section("refund-key", """ "credits": { "Kind": "Credits", "PermitLimit": 300, "Window": "day" } """)
            .Replace("\"ApiKeys\"", "\"StatusErrors\": { \"400\": \"BAD_REQUEST\" }, \"ApiKeys\"", StringComparison.Ordinal);
        RedisTestApi? started = null;
        HttpStatusCode? nextDay = null;
        await using var api = started = await RedisTestApi.StartAsync(redis, prefix, time, section, map: app =>
        {
            app.UseStatusCodePages();
            app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Request.Query.ContainsKey("late"))
                {
                    // The request ends in the next day, after that day's first call was charged.
                    time.Advance(TimeSpan.FromDays(1));
                    using var charged = await started!.GetAsync("/typed?n=1", "refund-key");
                    nextDay = charged.StatusCode;
                }
            });
            app.MapGet("/typed", (int n) => n).WithCredits(100);
        });
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var server = connection.GetServer(redis.Configuration);

        // Act / Assert, day 1: three calls that do not bind (refunded), then the day's three calls.
        var day1 = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var unbound = await api.GetAsync("/typed?n=abc", "refund-key");
            day1.Add(unbound.StatusCode);
        }

        var counter = Assert.Single(server.Keys(pattern: prefix + "*"));
        await WaitUntilAsync(async () => (long)await database.StringGetAsync(counter) == 0); // the refunds are fire-and-forget
        for (var i = 0; i < 4; i++)
        {
            using var call = await api.GetAsync("/typed?n=1", "refund-key");
            day1.Add(call.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 3), .. Enumerable.Repeat(HttpStatusCode.OK, 3), HttpStatusCode.TooManyRequests], day1);
        Assert.Equal(300, (long)await database.StringGetAsync(counter));

        // Day 2: a call that does not bind is charged, and answered in day 3 after day 3's first call; then day 3's next call.
        time.Advance(TimeSpan.FromDays(1));
        using var late = await api.GetAsync("/typed?n=abc&late=1", "refund-key");
        using var probe = await api.GetAsync("/typed?n=1", "refund-key"); // runs after the refund, on the same connection

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextDay);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        var later = server.Keys(pattern: prefix + "*").Where(k => k != counter)
            .OrderBy(k => long.Parse(((string)k!)[(((string)k!).LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, later.Count);
        Assert.Equal(100, (long)await database.StringGetAsync(later[0])); // day 2: the late call stayed charged
        Assert.Equal(200, (long)await database.StringGetAsync(later[1])); // day 3: its own two calls, nothing given back
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
