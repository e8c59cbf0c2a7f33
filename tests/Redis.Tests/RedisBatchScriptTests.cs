using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The script's argument layout and its decisions, called directly on a real Redis.</summary>
public sealed class RedisBatchScriptTests
{
    private static readonly RedisKeyNames Owner = new("t:", static _ => 0);

    [Theory]
    [InlineData(1)] // a release rides along
    [InlineData(0)]
    public async Task SlidingWindow_ReadsItsPreviousWindow_WithOrWithoutAReleaseCarried(int releases)
    {
        // Arrange: the previous window used 100 of a permit of 10, weighing half: the request must be refused.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        await database.StringSetAsync("previous", 100);
        var call = new RedisCall();
        call.Begin();
        for (var i = 0; i < releases; i++)
        {
            call.AddRelease("leases", 42);
        }

        AddRequest(call, items: 1);
        call.AddItem(flags: 1, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0.5, Names("current", "previous"), sliding: true);

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: refused, the previous window's count in the reply, and nothing charged.
        var bytes = Bytes(reply);
        Assert.Equal(8 + 1 + 16, bytes.Length);
        Assert.Equal(0, bytes[8]);
        Assert.Equal(100, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(17)));
        Assert.Equal(0, (long)await database.StringGetAsync("current"));
    }

    [Theory]
    [InlineData(-1_000, false)] // Redis runs the call a second after its deadline: nothing charged, "past deadline"
    [InlineData(60_000, true)] // within its deadline: charged and admitted
    [InlineData(null, true)] // no deadline (the store knows no Redis clock yet): charged and admitted
    public async Task Deadline_ACallRunAfterItChargesNothing_AndTheReplyCarriesRedisTime(int? deadlineFromNow, bool decided)
    {
        // Arrange: a fixed window with room; Redis's own clock is the reference.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var redisNow = new DateTimeOffset(await connection.GetServer(redis.Configuration).TimeAsync(), TimeSpan.Zero).ToUnixTimeMilliseconds();
        await database.SortedSetAddAsync("leases", BitConverter.GetBytes(42L), 1);
        var call = new RedisCall();
        call.Begin();
        call.AddRelease("leases", 42);
        AddRequest(call, items: 1);
        call.AddItem(flags: 0, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names("current"), sliding: false);

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadlineFromNow is { } d ? redisNow + d : 0, bySource: true));

        // Assert: the outcome, Redis's time in the reply, the charge, and the carried release ran either way.
        var bytes = Bytes(reply);
        Assert.Equal(decided, RedisBatchReply.ReadClock(bytes, out var redisTime));
        Assert.InRange(redisTime, redisNow, redisNow + 10_000);
        Assert.Equal(decided ? 8 + 1 + 8 : 9, bytes.Length);
        Assert.Equal(decided ? 1 : 0, (long)await database.StringGetAsync("current"));
        Assert.Equal(0, await database.SortedSetLengthAsync("leases"));
    }

    [Fact]
    public async Task RequestsOfOneCall_AreDecidedInOrder_EachAsIfAlone_AllOrNothingEach()
    {
        // Arrange: a shared counter with a permit of 3 and, per request, its own counter: the third request's own
        // counter is full, so it is refused and must charge the shared counter nothing; then two more take the
        // shared counter to its permit and past it.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        await database.StringSetAsync("own-3", 5);
        var shared = Names("shared");
        var call = new RedisCall();
        call.Begin();
        for (var r = 1; r <= 5; r++)
        {
            AddRequest(call, items: 2);
            call.AddItem(flags: 0, permit: 3, cost: 1, ttlMilliseconds: 120_000, weight: 0, shared, sliding: false);
            call.AddItem(flags: 0, permit: 5, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names($"own-{r}"), sliding: false);
        }

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: admitted, admitted, refused (its own counter), admitted, refused (the shared permit); each
        // request saw the counts the ones before it left; the shared counter holds the three admitted.
        var bytes = Bytes(reply);
        var outcomes = new List<(int Outcome, long Shared, long Own)>();
        for (var at = 8; at < bytes.Length; at += 17)
        {
            outcomes.Add((bytes[at], BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 1)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 9))));
        }

        Assert.Equal([(1, 0, 0), (1, 1, 0), (0, 2, 5), (1, 2, 0), (0, 3, 0)], outcomes);
        Assert.Equal(3, (long)await database.StringGetAsync("shared"));
        Assert.Equal(5, (long)await database.StringGetAsync("own-3"));
        Assert.Equal(0, (long)await database.StringGetAsync("own-5"));
        Assert.InRange((await database.KeyTimeToLiveAsync("shared"))!.Value.TotalSeconds, 100, 120);
        Assert.InRange((await database.KeyTimeToLiveAsync("own-5"))!.Value.TotalSeconds, 100, 120); // made and taken back: still expires
    }

    [Fact]
    public async Task OneKeyReachedByTwoNameObjects_IsOneCounterInTheCall()
    {
        // Arrange: a permit of 3 and four requests, alternating two name objects of the same key (as two API keys'
        // cached names of their subscription's counter can be), so the key is listed twice in KEYS.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        RedisNames[] routes = [Names("subscription"), Names("subscription")];
        var call = new RedisCall();
        call.Begin();
        for (var r = 0; r < 4; r++)
        {
            AddRequest(call, items: 1);
            call.AddItem(flags: 0, permit: 3, cost: 1, ttlMilliseconds: 120_000, weight: 0, routes[r % 2], sliding: false);
        }

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: three admitted and the fourth refused, as if one name had been used; the counter holds 3.
        var bytes = Bytes(reply);
        Assert.Equal([1, 1, 1, 0], new[] { bytes[8], bytes[17], bytes[26], bytes[35] });
        Assert.Equal(3, (long)await database.StringGetAsync("subscription"));
    }

    [Fact]
    public async Task ConcurrencyItems_OfOneCall_EachRequestHoldsItsOwnLease()
    {
        // Arrange: a concurrency limit of 2 and three requests in one call, each with its own lease member.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var leases = Names("leases");
        var call = new RedisCall();
        call.Begin();
        for (var r = 1; r <= 3; r++)
        {
            AddRequest(call, items: 1, leaseId: r);
            call.AddItem(flags: 2, permit: 2, cost: 1, ttlMilliseconds: 120_000, weight: 0, leases, sliding: false);
        }

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: two admitted with their leases, the third refused with two in flight.
        var bytes = Bytes(reply);
        Assert.Equal([1, 1, 0], new[] { bytes[8], bytes[17], bytes[26] });
        Assert.Equal(2, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(27)));
        Assert.Equal(2, await database.SortedSetLengthAsync("leases"));
    }

    [Fact]
    public async Task AFullCallOfRequestsWithManyLimits_IsAnsweredWhole_InOrder()
    {
        // Arrange: 64 requests (a call's most), each naming the same 130 counters with a permit of 63, so the last
        // is refused (the call is decided request by request) and the reply holds more counts than the script packs
        // at once: it comes in pieces.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var names = Enumerable.Range(0, 130).Select(i => Names("c" + i)).ToArray();
        var call = FullCall(names, permit: RedisLane.MaxRequestsPerCall - 1);

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: each request saw the counts of the ones before it; the last was refused and charged nothing.
        var bytes = Bytes(reply);
        Assert.Equal(8 + (RedisLane.MaxRequestsPerCall * (1 + (names.Length * 8))), bytes.Length);
        var at = 8;
        for (var request = 0; request < RedisLane.MaxRequestsPerCall; request++)
        {
            Assert.Equal(request < RedisLane.MaxRequestsPerCall - 1 ? 1 : 0, bytes[at++]);
            for (var item = 0; item < names.Length; item++, at += 8)
            {
                Assert.Equal(request, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)));
            }
        }

        Assert.Equal(RedisLane.MaxRequestsPerCall - 1, (long)await database.StringGetAsync("c0"));
        Assert.Equal(RedisLane.MaxRequestsPerCall - 1, (long)await database.StringGetAsync("c129"));
    }

    [Fact]
    public async Task ACallOfFixedWindowsWithRoom_IsDecidedCounterByCounter_EachRequestGettingItsOwnCounts()
    {
        // Arrange: 64 requests naming 3 counters with room for all of them; one counter already holds 10, and one
        // request costs 5.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        await database.StringSetAsync("c1", 10);
        var names = Enumerable.Range(0, 3).Select(i => Names("c" + i)).ToArray();
        var call = FullCall(names, permit: 1_000, costOfRequest: request => request == 1 ? 5 : 1);

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: the reply is the mark and each counter's count before the call; read back per item in call order,
        // each request sees the costs of the ones before it. Each counter is charged the call's total.
        var bytes = Bytes(reply);
        Assert.Equal(8 + 1 + (3 * 8), bytes.Length);
        Assert.Equal(RedisBatchScript.AllAdmitted, bytes[8]);
        call.ReadCounters(bytes.AsSpan(9));
        for (var request = 0; request < RedisLane.MaxRequestsPerCall; request++)
        {
            var before = request == 0 ? 0 : request == 1 ? 1 : request + 4;
            for (var item = 0; item < names.Length; item++)
            {
                Assert.Equal((item == 1 ? 10 : 0) + before, call.NextCount(request == 1 ? 5 : 1));
            }
        }

        Assert.Equal(RedisLane.MaxRequestsPerCall + 4, (long)await database.StringGetAsync("c0"));
        Assert.Equal(10 + RedisLane.MaxRequestsPerCall + 4, (long)await database.StringGetAsync("c1"));
        Assert.True(await database.KeyTimeToLiveAsync("c0") is { TotalSeconds: > 100 and <= 120 });
    }

    [Fact]
    public async Task ACounterThatWouldPassItsPermit_TakesTheCallRequestByRequest_AndTheOthersChargesBack()
    {
        // Arrange: two requests naming c0 (room) then c1 (already at its permit of 5), and two ended leases on one set.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        await database.StringSetAsync("c1", 5);
        await database.SortedSetAddAsync("leases", [new(BitConverter.GetBytes(1L), 1), new(BitConverter.GetBytes(2L), 1)]);
        var call = new RedisCall();
        call.Begin();
        call.AddRelease("leases", 1);
        call.AddRelease("leases", 2);
        for (var request = 0; request < 2; request++)
        {
            AddRequest(call, items: 2);
            call.AddItem(flags: 0, permit: 5, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names("c0"), sliding: false);
            call.AddItem(flags: 0, permit: 5, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names("c1"), sliding: false);
        }

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert: answered request by request, both refused by c1; c0's charge taken back; the releases ran.
        var bytes = Bytes(reply);
        Assert.Equal(8 + (2 * (1 + 16)), bytes.Length);
        Assert.Equal(0, bytes[8]);
        Assert.Equal(0, bytes[8 + 17]);
        Assert.Equal(0, (long)await database.StringGetAsync("c0"));
        Assert.Equal(5, (long)await database.StringGetAsync("c1"));
        Assert.Equal(0, await database.SortedSetLengthAsync("leases"));
    }

    [Fact]
    public async Task ReleasesOnOneLeaseSet_LeaveACallOfFixedWindowsCounterByCounter()
    {
        // Arrange: two ended leases of one set (its name twice in KEYS) beside a request with room.
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var call = new RedisCall();
        call.Begin();
        call.AddRelease("leases", 1);
        call.AddRelease("leases", 2);
        AddRequest(call, items: 1);
        call.AddItem(flags: 0, permit: 10, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names("c0"), sliding: false);

        // Act
        using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

        // Assert
        var bytes = Bytes(reply);
        Assert.Equal(RedisBatchScript.AllAdmitted, bytes[8]);
        Assert.Equal(1, (long)await database.StringGetAsync("c0"));
    }

    [Fact]
    public async Task ACallOfAnyNumberOfKeys_IsBuiltAndAnswered()
    {
        // Arrange: calls of 1 to 70 keys, across the sizes where the call's arrays grow (14 keys once failed to build).
        await using var redis = await RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var call = new RedisCall();
        for (var keys = 1; keys <= 70; keys++)
        {
            call.Begin();
            AddRequest(call, items: keys);
            for (var i = 0; i < keys; i++)
            {
                call.AddItem(flags: 0, permit: 1_000, cost: 1, ttlMilliseconds: 120_000, weight: 0, Names($"n{keys}:{i}"), sliding: false);
            }

            // Act
            using var reply = await database.ExecuteRespAsync("EVAL", call.Command(deadline: 0, bySource: true));

            // Assert: decided counter by counter, every key charged.
            Assert.Equal(RedisBatchScript.AllAdmitted, Bytes(reply)[8]);
            Assert.Equal(1, (long)await database.StringGetAsync($"n{keys}:{keys - 1}"));
        }
    }

    private static RedisCall FullCall(RedisNames[] names, long permit, Func<int, long>? costOfRequest = null)
    {
        var call = new RedisCall();
        call.Begin();
        for (var request = 0; request < RedisLane.MaxRequestsPerCall; request++)
        {
            AddRequest(call, items: names.Length);
            foreach (var name in names)
            {
                call.AddItem(flags: 0, permit, cost: costOfRequest?.Invoke(request) ?? 1, ttlMilliseconds: 120_000, weight: 0, name, sliding: false);
            }
        }

        return call;
    }

    private static RedisNames Names(string current, string? previous = null) =>
        new(Owner, 0, current, previous ?? current + ":previous", 0);

    private static void AddRequest(RedisCall call, int items, long leaseId = 0)
    {
        var batch = new RedisCounterBatch { Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), LeaseId = leaseId, PartStart = 0, PartEnd = items };
        call.AddRequest(batch, 1_700_000_000_000, 1_700_000_005_000);
    }

    private static byte[] Bytes(RespResult reply)
    {
        Assert.True(reply.ReadScalar().TryGetSpan(out var bytes));
        return bytes.ToArray();
    }
}
