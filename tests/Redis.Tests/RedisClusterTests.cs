using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// The Redis counters on a real 3-primary Redis Cluster, two app instances sharing it: exactly N admitted for each
/// kind of limit (a key's, a subscription's, the IP limit in another slot), through a live slot migration, and the
/// outage policy while the primary holding a key's counters restarts.
/// </summary>
[Collection(nameof(RedisCluster))]
public sealed class RedisClusterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Clients = 64;

    [Fact]
    public async Task TwoInstances_64ConcurrentClients_OneKey_AdmitExactlyN_AndTheCounterHoldsN()
    {
        // Arrange
        const int N = 20;
        await using var cluster = await RedisCluster.StartAsync();
        var prefix = RedisCounterStoreTests.Prefix();
        var section = KeySection("zk-exact", "zk-exact-secret", $$""" "minute": { "PermitLimit": {{N}}, "Window": "minute" } """);
        var (a, b) = await StartTwoAsync(cluster, prefix, section);
        await using var disposeA = a;
        await using var disposeB = b;

        // Act: 3 rounds of 64 concurrent clients, alternating instances.
        var answers = await RoundsAsync(3, i => (i % 2 == 0 ? a : b).GetAsync("/data", "zk-exact-secret"));

        // Assert
        var counters = await CountersAsync(cluster.Configuration, prefix, "zk-exact");
        output.WriteLine($"192 requests: {Summary(answers)}; counters {string.Join(", ", counters)}");
        Assert.Equal(N, answers.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(3 * Clients - N, answers.Count(r => r is { Status: HttpStatusCode.TooManyRequests, Code: "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED" }));
        Assert.Equal(N, Assert.Single(counters).Value);
    }

    [Fact]
    public async Task SharedSubscription_TwoKeysOnTwoInstances_AdmitExactlyTheSubscriptionsN()
    {
        // Arrange: two keys of one subscription of N a minute; each key also has its own (higher) minute limit, so a
        // request charges its key's counter and the subscription's together.
        const int N = 20;
        await using var cluster = await RedisCluster.StartAsync();
        var prefix = RedisCounterStoreTests.Prefix();
        var section = $$"""
            {
              "Headers": "XRateLimit",
              "Plans": { "p": { "Limits": {
                "minute": { "PermitLimit": 1000, "Window": "minute" },
                "shared": { "PermitLimit": {{N}}, "Window": "minute", "Scope": "Subscription" } } } },
              "Subscriptions": { "zsub": { "Plan": "p" } },
              "ApiKeys": [
                { "Id": "zka", "Hash": "{{RedisTestApi.Hash("zka-secret")}}", "Subscription": "zsub" },
                { "Id": "zkb", "Hash": "{{RedisTestApi.Hash("zkb-secret")}}", "Subscription": "zsub" }
              ]
            }
            """;
        var (a, b) = await StartTwoAsync(cluster, prefix, section);
        await using var disposeA = a;
        await using var disposeB = b;

        // Act: 3 rounds of 64 concurrent clients, over both keys and both instances.
        var answers = await RoundsAsync(3, i => (i % 2 == 0 ? a : b).GetAsync("/data", i % 4 < 2 ? "zka-secret" : "zkb-secret"));

        // Assert: N admitted in all; the subscription's counter holds N, each key's counter its own admitted requests
        // (a refused request charged neither).
        var counters = await CountersAsync(cluster.Configuration, prefix, "");
        output.WriteLine($"192 requests: {Summary(answers)}; counters {string.Join(", ", counters)}");
        Assert.Equal(N, answers.Count(r => r.Status == HttpStatusCode.OK));
        // The subscription's limit is a minute window, so its refusal is the catalog's minute-limit error.
        Assert.Equal(3 * Clients - N, answers.Count(r => r is { Status: HttpStatusCode.TooManyRequests, Code: "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED" }));
        var admittedA = answers.Count(r => r.Status == HttpStatusCode.OK && r.Index % 4 < 2);
        Assert.Equal(N, Assert.Single(counters, c => c.Key.Contains("zsub", StringComparison.Ordinal) && !c.Key.Contains("zka", StringComparison.Ordinal) && !c.Key.Contains("zkb", StringComparison.Ordinal)).Value);
        Assert.Equal(admittedA, Assert.Single(counters, c => c.Key.Contains("zka", StringComparison.Ordinal)).Value);
        Assert.Equal(N - admittedA, Assert.Single(counters, c => c.Key.Contains("zkb", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task IpLimitBinds_64ConcurrentClientsOnTwoInstances_AdmitExactlyN_AndTheKeyKeepsNoChargeOfARefusal()
    {
        // Arrange: an IP limit of N and a key limit far above it; every request comes from the same (test) address.
        // The IP's counter and the key's need not share a slot: a request the IP refused must leave no charge on the key.
        const int N = 20;
        await using var cluster = await RedisCluster.StartAsync();
        var prefix = RedisCounterStoreTests.Prefix();
        var section = KeySection("zk-ip", "zk-ip-secret", """ "minute": { "PermitLimit": 100000, "Window": "minute" } """)
            .Replace("\"Plans\"", $$""" "IpLimit": { "PermitLimit": {{N}}, "Window": "minute" }, "Plans" """, StringComparison.Ordinal);
        var (a, b) = await StartTwoAsync(cluster, prefix, section);
        await using var disposeA = a;
        await using var disposeB = b;

        // Act
        var answers = await RoundsAsync(3, i => (i % 2 == 0 ? a : b).GetAsync("/data", "zk-ip-secret"));

        // Assert: N admitted; the key's counter equals the admitted count and the IP's holds N, once any charge given
        // back for a refusal has landed.
        var admitted = answers.Count(r => r.Status == HttpStatusCode.OK);
        List<Counter> counters = [];
        await WaitUntilAsync(async () =>
        {
            counters = await CountersAsync(cluster.Configuration, prefix, "");
            return counters.Where(c => c.Key.Contains("zk-ip", StringComparison.Ordinal)).Sum(c => c.Value) == admitted;
        });
        output.WriteLine($"192 requests: {Summary(answers)}; counters {string.Join(", ", counters)}");
        Assert.Equal(N, admitted);
        Assert.Equal(3 * Clients - N, answers.Count(r => r is { Status: HttpStatusCode.TooManyRequests, Code: "IP_RATE_LIMIT_REACHED" }));
        Assert.Equal(N, Assert.Single(counters, c => c.Key.Contains("zk-ip", StringComparison.Ordinal)).Value);
        Assert.Equal(N, Assert.Single(counters, c => !c.Key.Contains("zk-ip", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task SlotOfTheKeysCountersMigrates_While64ClientsRun_StillExactlyNAdmitted_No5xx()
    {
        // Arrange: a limit large enough that admissions are still going on while the slot moves.
        const int N = 1000;
        await using var cluster = await RedisCluster.StartAsync();
        var prefix = RedisCounterStoreTests.Prefix();
        var section = KeySection("zk-move", "zk-move-secret", $$""" "minute": { "PermitLimit": {{N}}, "Window": "minute" } """);
        var (a, b) = await StartTwoAsync(cluster, prefix, section);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, await RedisCounterStoreTests.StatusAsync(a, "zk-move-secret"));
        var slot = await CounterSlotAsync(cluster.Configuration, prefix, "zk-move");
        var from = cluster.OwnerOf(slot);
        var to = cluster.Nodes.First(n => n != from);

        // Act: 64 clients send requests without pause, each until it is refused after the slot has moved; the
        // migration starts once a quarter of N is admitted.
        var admitted = 1;
        var migrated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var statuses = new ConcurrentQueue<HttpStatusCode>();
        var clients = Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(async () =>
        {
            while (statuses.Count < 20 * N)
            {
                using var response = await (i % 2 == 0 ? a : b).GetAsync("/data", "zk-move-secret");
                statuses.Enqueue(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref admitted);
                }
                else if (migrated.Task.IsCompleted)
                {
                    return;
                }
            }
        })));
        while (Volatile.Read(ref admitted) < N / 4 && !clients.IsCompleted)
        {
            await Task.Delay(1);
        }

        var admittedBefore = Volatile.Read(ref admitted);
        var watch = Stopwatch.StartNew();
        await cluster.MigrateSlotAsync(slot, to);
        var took = watch.Elapsed;
        var admittedAfter = Volatile.Read(ref admitted);
        migrated.SetResult();
        await clients;

        // Assert: exactly N, every other answer a 429; the counters are now on the new owner and hold N.
        var counters = await CountersAsync(cluster.Configuration, prefix, "zk-move");
        output.WriteLine($"slot {slot} moved from {from} to {to} in {took.TotalMilliseconds:F0} ms, while admitted went from {admittedBefore} to {admittedAfter}; "
            + $"{statuses.Count} requests: {string.Join(", ", statuses.GroupBy(s => (int)s).Select(g => $"{g.Key} x {g.Count()}"))}; counters {string.Join(", ", counters)}");
        Assert.Equal(N, statuses.Count(s => s == HttpStatusCode.OK) + 1);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"answered {(int)s}"));
        var counter = Assert.Single(counters);
        Assert.Equal(N, counter.Value);
        Assert.Equal("1", (await to.CliAsync("EXISTS", counter.Key)).Trim()); // asked directly: no redirect to follow
    }

    [Theory]
    [InlineData("FailOpen", HttpStatusCode.OK)]
    [InlineData("FailClosed", HttpStatusCode.ServiceUnavailable)]
    public async Task PrimaryOfTheKeysCountersRestarts_PolicyHoldsWhileItIsDown_CountingResumesAfter(string policy, HttpStatusCode duringOutage)
    {
        // Arrange: two instances; one request counted.
        await using var cluster = await RedisCluster.StartAsync();
        var prefix = RedisCounterStoreTests.Prefix();
        var section = KeySection("zk-down", "zk-down-secret", """ "minute": { "PermitLimit": 1000000, "Window": "minute" } """);
        var (a, b) = await StartTwoAsync(cluster, prefix, section, policy);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, await RedisCounterStoreTests.StatusAsync(a, "zk-down-secret"));
        var primary = cluster.OwnerOf(await CounterSlotAsync(cluster.Configuration, prefix, "zk-down"));

        // Act: the primary holding the key's counters is killed; requests go on over both instances; it restarts
        // from its own directory (nodes.conf, append-only file) and the cluster is ok again.
        cluster.Kill(primary);
        var during = new List<(HttpStatusCode Status, string? RetryAfter, bool Counted, TimeSpan Took)>();
        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await (i % 2 == 0 ? a : b).GetAsync("/data", "zk-down-secret");
            during.Add((response.StatusCode, response.Headers.RetryAfter?.ToString(), response.Headers.Contains("X-RateLimit-Remaining"), watch.Elapsed));
        }

        await cluster.RestartAsync(primary);
        var back = Stopwatch.StartNew();
        var after = new List<(HttpStatusCode Status, string? Remaining)>();
        while (back.Elapsed < TimeSpan.FromSeconds(10) && (after.Count == 0 || after[^1].Remaining is null))
        {
            using var response = await (after.Count % 2 == 0 ? a : b).GetAsync("/data", "zk-down-secret");
            after.Add((response.StatusCode, response.Headers.TryGetValues("X-RateLimit-Remaining", out var values) ? values.Single() : null));
            if (after[^1].Remaining is null)
            {
                await Task.Delay(20);
            }
        }

        // Assert: the policy's answer during the outage, quickly and never a 500; after, the first counted request
        // finds only the one before the outage charged (nothing sent during it was counted).
        output.WriteLine($"{policy}, {primary} killed: {string.Join(", ", during.Select(o => $"{(int)o.Status} in {o.Took.TotalMilliseconds:F0} ms"))}; "
            + $"after its restart: {string.Join(", ", after.Select(o => $"{(int)o.Status} remaining {o.Remaining ?? "-"}"))}, counting {back.Elapsed.TotalMilliseconds:F0} ms after the cluster was ok");
        Assert.All(during, o => Assert.Equal(duringOutage, o.Status));
        Assert.All(during, o => Assert.Equal(duringOutage == HttpStatusCode.ServiceUnavailable ? "1" : null, o.RetryAfter));
        Assert.All(during, o => Assert.False(o.Counted, "a response during the outage claimed counts"));
        // The timeout is 250 ms; allow scheduling slack on a loaded 2-core machine, far below a hang.
        Assert.All(during, o => Assert.True(o.Took < TimeSpan.FromMilliseconds(500), $"a request waited {o.Took.TotalMilliseconds:F0} ms"));
        Assert.All(after, o => Assert.Equal(o.Remaining is null ? duringOutage : HttpStatusCode.OK, o.Status));
        Assert.Equal((HttpStatusCode.OK, "999998"), after[^1]);
        // A single primary counts again within 1 s of its restart; a cluster node also has to be seen up by its client.
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(2), $"counting resumed {back.Elapsed.TotalMilliseconds:F0} ms after the cluster was ok");
    }

    /// <summary>One API key (id, secret) on plan p with the given limits; X-RateLimit headers on.</summary>
    private static string KeySection(string id, string secret, string limits) => $$"""
        {
          "Headers": "XRateLimit",
          "Plans": { "p": { "Limits": { {{limits}} } } },
          "ApiKeys": [ { "Id": "{{id}}", "Hash": "{{RedisTestApi.Hash(secret)}}", "Plan": "p" } ]
        }
        """;

    /// <summary>Two instances; without a policy, as the exactness tests run (see <see cref="RedisCounterStoreTests.Exact"/>).</summary>
    private static async Task<(RedisTestApi A, RedisTestApi B)> StartTwoAsync(RedisCluster cluster, string prefix, string section, string? policy = null)
    {
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var timeout = policy is null ? RedisCounterStoreTests.ExactTimeout : "00:00:00.250";
        policy ??= RedisCounterStoreTests.Exact;
        var a = await RedisTestApi.StartAsync(cluster.Configuration, prefix, time, section, policy, timeout);
        return (a, await RedisTestApi.StartAsync(cluster.Configuration, prefix, time, section, policy, timeout));
    }

    /// <summary>Rounds of 64 concurrent requests; each answer with its client's index and, for a problem, its code.</summary>
    private static async Task<List<Answer>> RoundsAsync(int rounds, Func<int, Task<HttpResponseMessage>> send)
    {
        var answers = new ConcurrentBag<Answer>();
        for (var round = 0; round < rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
            {
                using var response = await send(i);
                string? code = null;
                if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    code = body.RootElement.TryGetProperty("code", out var value) ? value.GetString() : null;
                }

                answers.Add(new Answer(i, response.StatusCode, code));
            }));
        }

        return [.. answers];
    }

    private static string Summary(List<Answer> answers) =>
        string.Join(", ", answers.GroupBy(r => ((int)r.Status, r.Code)).Select(g => $"{g.Key.Item1} {g.Key.Code} x {g.Count()}"));

    /// <summary>
    /// The slot of an owner's (key's) counters: found by name, whatever hash tag the store gives them, so the test
    /// holds however the names are built. Call it after a request has created them.
    /// </summary>
    private static async Task<int> CounterSlotAsync(string configuration, string prefix, string owner)
    {
        var counters = await CountersAsync(configuration, prefix, owner);
        Assert.True(counters.Count > 0, $"no counter named with {owner} in Redis: the request before was not counted");
        return Assert.Single(counters.Select(c => c.Slot).Distinct());
    }

    /// <summary>Every window counter (a string; lease sets are not) under the prefix whose name holds <paramref name="owner"/>, from a SCAN of each primary.</summary>
    private static async Task<List<Counter>> CountersAsync(string configuration, string prefix, string owner)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = connection.GetDatabase();
        var counters = new List<Counter>();
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
            {
                if (((string)key!).Contains(owner, StringComparison.Ordinal) && await database.KeyTypeAsync(key) == RedisType.String)
                {
                    counters.Add(new Counter(key!, RedisCluster.Slot(key!), (long)await database.StringGetAsync(key)));
                }
            }
        }

        return counters;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private sealed record Answer(int Index, HttpStatusCode Status, string? Code);

    private sealed record Counter(string Key, int Slot, long Value)
    {
        public override string ToString() => $"{Key} (slot {Slot}) = {Value}";
    }
}
