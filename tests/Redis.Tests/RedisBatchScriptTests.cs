using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The script's argument layout, called directly on a real Redis.</summary>
public sealed class RedisBatchScriptTests
{
    [Theory]
    [InlineData(1)] // the release slot is filled
    [InlineData(0)] // the release slot is spare: another call took the release between Rent and TakeReleases
    public async Task SlidingWindow_ReadsItsPreviousWindow_WhetherTheReleaseSlotIsFilledOrSpare(int queued)
    {
        // Arrange: the previous window used 100 of a permit of 10, weighing half: the request must be refused.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        await database.StringSetAsync("previous", 100);
        var releases = new LeaseReleases(16);
        for (var i = 0; i < queued; i++)
        {
            releases.TryAdd("leases", 42);
        }

        var arguments = RedisArguments.Rent(items: 1, releases: 1, sliding: 1);
        arguments.WriteHeader(1_700_000_000_000, 1_700_000_005_000, leaseId: 0);
        arguments.WriteItem(0, flags: 1, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0.5);
        arguments.Keys[0] = "current";
        arguments.Keys[1 + arguments.Releases] = "previous"; // after every release slot, as RedisCounterStore.Begin places it

        // Act
        arguments.TakeReleases(releases, "spare");
        using var reply = await database.ExecuteRespAsync("EVAL", arguments.Command(bySource: true));

        // Assert
        Assert.True(reply.ReadScalar().TryGetSpan(out var bytes));
        Assert.Equal(queued, arguments.Carried);
        Assert.Equal(100, BinaryPrimitives.ReadInt64LittleEndian(bytes[9..]));
        Assert.Equal(0, bytes[0]);
        Assert.Equal(0, (long)await database.StringGetAsync("current")); // refused: charged nothing
    }
}
