using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>Redis memory per tracked API key, measured with INFO memory on a real server.</summary>
public sealed class RedisMemoryTests(ITestOutputHelper output)
{
    private const int Keys = 10_000;

    [Fact]
    public async Task TrackedKey_WithMinuteMonthAndCreditCounters_CostsUnder600BytesOfRedisMemory()
    {
        // Arrange: a store and three limits per key, as a plan with minute, month and daily credits.
        await using var redis = await RedisServer.StartAsync();
        var descriptor = ApiErrors.Catalog.Find(Refusal.MinuteLimit)!;
        LimitDefinition[] limits =
        [
            new("minute", LimitScope.Key, LimitKind.Requests, 100, new WindowSpec(TimeSpan.TicksPerMinute, false), false, descriptor, null),
            new("month", LimitScope.Key, LimitKind.Requests, 100_000, WindowSpec.Month, false, descriptor, null),
            new("credits", LimitScope.Key, LimitKind.Credits, 10_000, new WindowSpec(TimeSpan.TicksPerDay, false), false, descriptor, null),
        ];
        var options = new RedisOptions { Configuration = redis.Configuration, Timeout = TimeSpan.FromSeconds(2) };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var connection = RedisConnection.Connect(options);
        using var store = new RedisCounterStore(
            connection.Multiplexer, connection.AsyncTimeout, options, TimeSpan.FromSeconds(1), NullLogger<RedisCounterStore>.Instance, new ApiErrorCatalogMetrics(services.GetRequiredService<IMeterFactory>()));
        var batch = store.CreateBatch();
        var before = await UsedMemoryAsync(redis);

        // Act: one request for each of 10,000 keys.
        for (var i = 0; i < Keys; i++)
        {
            batch.Reset();
            batch.Now = DateTimeOffset.UtcNow;
            var id = "key-" + i.ToString(CultureInfo.InvariantCulture).PadLeft(8, '0');
            foreach (var limit in limits)
            {
                batch.Add(new LimitEntry(limit, id, id), 1, overageAllowed: false);
            }

            Assert.True(await store.AcquireAsync(batch));
        }

        var perKey = (double)(await UsedMemoryAsync(redis) - before) / Keys;
        output.WriteLine($"Redis memory per tracked key (3 counters, prefix 'ec:'): {perKey:F0} bytes");

        // Assert: three small strings with a TTL each.
        Assert.InRange(perKey, 1, 600);
    }

    private static async Task<long> UsedMemoryAsync(RedisServer redis)
    {
        var info = await redis.CliAsync("INFO memory");
        var line = info.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
