using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The usage meter with counters in Redis: each admitted unit is reported once, by the instance that admitted it.</summary>
public sealed class RedisUsageMeteringTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task TwoInstances_64ConcurrentClients_MeteredUnitsAfterDedupEqualAdmittedUnitsAndTheRedisCounters()
    {
        // Arrange: 150 requests a minute and 1000 credits a day, 100 a call, with overage: 150 admitted, 14,000 credits past the quota.
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        var section = RedisCounterStoreTests.Section(
            "meter-key",
            """ "minute": { "PermitLimit": 150, "Window": "minute" }, "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day" } """,
            keyExtra: """, "Overage": true """);
        var meterA = new Meter();
        var meterB = new Meter();
        await using var a = await RedisTestApi.StartAsync(redis, prefix, time, section, configure: b => b.Services.AddApiUsageMeter(_ => meterA));
        await using var b = await RedisTestApi.StartAsync(redis, prefix, time, section, configure: b => b.Services.AddApiUsageMeter(_ => meterB));

        // Act: 3 rounds of 64 concurrent clients, alternating instances; then both instances stop (delivering the rest).
        var statuses = new ConcurrentBag<HttpStatusCode>();
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? a : b).GetAsync("/credits", "meter-key");
                statuses.Add(response.StatusCode);
            }));
        }

        await a.App.StopAsync();
        await b.App.StopAsync();

        // Assert
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var keys = connection.GetServer(redis.Configuration).Keys(pattern: prefix + "*").Select(k => (string)k!).ToList();
        var minuteCounter = (long)await database.StringGetAsync(Assert.Single(keys, k => k.Contains(":key:minute:", StringComparison.Ordinal)));
        var creditsCounter = (long)await database.StringGetAsync(Assert.Single(keys, k => k.Contains(":key:credits:", StringComparison.Ordinal)));

        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        var records = meterA.Accepted.Concat(meterB.Accepted).ToList();
        var limits = records.SelectMany(r => r.Limits).ToList();
        output.WriteLine($"admitted {admitted}; metered {meterA.Accepted.Count} + {meterB.Accepted.Count}; counters minute {minuteCounter}, credits {creditsCounter}");
        Assert.Equal(150, admitted);
        Assert.Equal(192 - admitted, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Empty(meterA.Accepted.Select(r => r.Id).Intersect(meterB.Accepted.Select(r => r.Id))); // one instance reports each
        Assert.Equal(admitted, records.Count);
        Assert.Equal(minuteCounter, limits.Where(l => l.Name == "minute").Sum(l => l.Units));
        Assert.Equal(creditsCounter, limits.Where(l => l.Name == "credits").Sum(l => l.Units));
        Assert.Equal(admitted * 100L, creditsCounter);
        Assert.Equal(creditsCounter - 1000, limits.Where(l => l.Name == "credits").Sum(l => l.OverageUnits));
    }

    /// <summary>Keeps what it receives once per id, as a billing system deduplicates.</summary>
    private sealed class Meter : IUsageMeter
    {
        private readonly ConcurrentDictionary<string, MeteredRequest> _accepted = new();

        public List<MeteredRequest> Accepted => [.. _accepted.Values];

        public Task RecordAsync(IReadOnlyList<MeteredRequest> requests, CancellationToken cancellationToken)
        {
            foreach (var request in requests)
            {
                _accepted.TryAdd(request.Id, request);
            }

            return Task.CompletedTask;
        }
    }
}
