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
        arguments.WriteHeader(1_700_000_000_000, 1_700_000_005_000, deadline: 0, leaseId: 0);
        arguments.WriteItem(0, flags: 1, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0.5);
        arguments.Keys[0] = "current";
        arguments.Keys[1 + arguments.Releases] = "previous"; // after every release slot, as RedisCounterStore.Begin places it

        // Act
        arguments.TakeReleases(releases, "spare");
        using var reply = await database.ExecuteRespAsync("EVAL", arguments.Command(bySource: true));

        // Assert
        Assert.True(reply.ReadScalar().TryGetSpan(out var bytes));
        Assert.Equal(queued, arguments.Carried);
        Assert.Equal(100, BinaryPrimitives.ReadInt64LittleEndian(bytes[17..]));
        Assert.Equal(0, bytes[0]);
        Assert.Equal(0, (long)await database.StringGetAsync("current")); // refused: charged nothing
    }

    [Theory]
    [InlineData(-1_000, 2)] // Redis runs the call a second after its deadline: nothing charged, "past deadline"
    [InlineData(60_000, 1)] // within its deadline: charged and admitted
    [InlineData(null, 1)] // no deadline (the store knows no Redis clock yet): charged and admitted
    public async Task Deadline_ACallRunAfterItChargesNothing_AndTheReplyCarriesRedisTime(int? deadlineFromNow, int outcome)
    {
        // Arrange: a fixed window with room; Redis's own clock is the reference.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var redisNow = new DateTimeOffset(await connection.GetServer(redis.Configuration).TimeAsync(), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var arguments = RedisArguments.Rent(items: 1, releases: 1, sliding: 0);
        arguments.WriteHeader(1_700_000_000_000, 1_700_000_005_000, deadline: deadlineFromNow is { } d ? redisNow + d : 0, leaseId: 0);
        arguments.WriteItem(0, flags: 0, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0);
        arguments.Keys[0] = "current";
        var releases = new LeaseReleases(16);
        releases.TryAdd("leases", 42);
        await database.SortedSetAddAsync("leases", BitConverter.GetBytes(42L), 1);

        // Act
        arguments.TakeReleases(releases, "spare");
        using var reply = await database.ExecuteRespAsync("EVAL", arguments.Command(bySource: true));

        // Assert: the outcome, Redis's time in the reply, the charge, and the carried release ran either way.
        Assert.True(reply.ReadScalar().TryGetSpan(out var bytes));
        Assert.Equal(outcome, bytes[0]);
        Assert.InRange(BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]), redisNow, redisNow + 10_000);
        Assert.Equal(outcome == 2 ? 9 : 17, bytes.Length);
        Assert.Equal(outcome == 2 ? 0 : 1, (long)await database.StringGetAsync("current"));
        Assert.Equal(0, await database.SortedSetLengthAsync("leases"));
    }
}
