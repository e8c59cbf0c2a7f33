using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Redis.Tests.RedisCounterStoreTests;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>Requests that reach the store while a call is in flight share the next call, each decided as if alone.</summary>
public sealed class RedisCoalescingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ConcurrentRequests_ShareScriptCalls_AndEachIsDecidedExactly()
    {
        // Arrange: 64 keys of 3 per minute and one IP limit of 150, one instance; no request can be refused without
        // asking Redis (each key's window refuses only its fourth request, and the IP limit is shared by all).
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var keys = Enumerable.Range(0, 64).Select(i => $"coalesce-key-{i}").ToArray();
        var section = $$"""
            {
              "Headers": "XRateLimit",
              "IpLimit": { "PermitLimit": 150, "Window": "minute" },
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" } } } },
              "ApiKeys": [ {{string.Join(", ", keys.Select((k, i) => $$"""{ "Id": "k{{i}}", "Hash": "{{RedisTestApi.Hash(k)}}", "Plan": "p" }"""))}} ]
            }
            """;
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, Exact, ExactTimeout, configure: builder => builder.Logging.AddFakeLogging());
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act: every key three times, by 64 concurrent clients: 192 requests, of which the IP limit admits 150.
        var statuses = new ConcurrentBag<(string Key, HttpStatusCode Status)>();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async client =>
        {
            for (var round = 0; round < 3; round++)
            {
                var key = keys[(client + round) % 64];
                using var response = await api.GetAsync("/data", key);
                statuses.Add((key, response.StatusCode));
            }
        }));
        var calls = CommandStats(await redis.CliAsync("INFO commandstats"))["evalsha"];

        foreach (var record in api.App.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning))
        {
            output.WriteLine($"{record.Id.Name}: {record.Message} {record.Exception}");
        }

        // Assert: exactly 150 admitted, none beyond 3 for any key, and fewer script calls than requests.
        output.WriteLine($"192 requests by 64 concurrent clients: {calls} EVALSHA; "
            + string.Join(", ", statuses.GroupBy(s => s.Status).Select(g => $"{(int)g.Key} x{g.Count()}")));
        Assert.Equal(150, statuses.Count(s => s.Status == HttpStatusCode.OK));
        Assert.Equal(42, statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.GroupBy(s => s.Key), g => Assert.InRange(g.Count(s => s.Status == HttpStatusCode.OK), 0, 3));
        Assert.InRange(calls, 1, 191);
    }

    [Fact]
    public async Task ConcurrentRequestsFarFromTheirPermit_EachGetsItsOwnCount_InSharedCalls()
    {
        // Arrange: one key with room for all, so its calls are decided counter by counter (fixed windows only).
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var section = Section("far-key", """ "minute": { "PermitLimit": 1000, "Window": "minute" }, "day": { "PermitLimit": 5000, "Window": "day" } """);
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), time, section, Exact, ExactTimeout);
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act: 64 concurrent clients, 3 requests each.
        var remaining = new ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            for (var round = 0; round < 3; round++)
            {
                using var response = await api.GetAsync("/data", "far-key");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                remaining.Add(int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));
            }
        }));
        var calls = CommandStats(await redis.CliAsync("INFO commandstats"))["evalsha"];

        // Assert: every request counted once, each with its own count (the minute's remaining, 999 down to 808),
        // in fewer calls than requests.
        output.WriteLine($"192 requests by 64 concurrent clients: {calls} EVALSHA");
        Assert.Equal(Enumerable.Range(808, 192), remaining.Order());
        Assert.InRange(calls, 1, 191);
    }
}
