using System.Net;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Redis.Tests.RedisCounterStoreTests;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// A script call's deadline in Redis's clock: a call Redis runs after it charges nothing, and a wrong estimate of
/// Redis's clock costs one more call, not an outage.
/// </summary>
public sealed class RedisDeadlineTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Key = "deadline-key";

    private static readonly string Limits = Section(Key, """ "minute": { "PermitLimit": 1000, "Window": "minute" } """);

    [Fact]
    public async Task ClockEstimateTooSmall_TheCallGoesAgainOnce_AndCountsOnce()
    {
        // Arrange: one request teaches the store Redis's clock; then its estimate is made 10 s too small, as after
        // Redis's clock stepped ahead: every deadline it writes has passed when Redis runs the call.
        await using var redis = await RedisServer.StartAsync();
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), new FakeTimeProvider(RedisTestApi.Start), Limits, "FailClosed");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, Key));
        api.Clock.Reset(api.Clock.Offset - 10_000, sentTick: 0, Environment.TickCount64);
        await redis.CliAsync("CONFIG RESETSTAT");

        // Act
        using var first = await api.GetAsync("/data", Key);
        var afterFirst = CommandStats(await redis.CliAsync("INFO commandstats"));
        using var second = await api.GetAsync("/data", Key);
        var afterSecond = CommandStats(await redis.CliAsync("INFO commandstats"));

        // Assert: admitted and counted once each; the first call went twice (answered "past its deadline" sooner
        // than that could be, it taught the store the clock), the next once.
        output.WriteLine($"EVALSHA: {afterFirst["evalsha"]} for the first request, {afterSecond["evalsha"] - afterFirst["evalsha"]} for the second");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("998", first.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("997", second.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.Equal(2, afterFirst["evalsha"]);
        Assert.Equal(3, afterSecond["evalsha"]);
    }

    [Fact]
    public async Task RedisRunsTheCallPastItsDeadline_BeforeTheClientGivesUp_OutagePolicy_NothingCharged()
    {
        // Arrange: Timeout 1 s: the client gives up 800-1,000 ms after writing a call; its deadline is 600 ms.
        await using var redis = await RedisServer.StartAsync();
        await using var api = await RedisTestApi.StartAsync(redis, Prefix(), new FakeTimeProvider(RedisTestApi.Start), Limits, "FailClosed", timeout: "00:00:01");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(api, Key));

        // Act: Redis hangs for 700 ms while a request waits: it then runs the call past its deadline, and answers
        // before the client gives up (100 ms of slack each side). Should this machine stall past 800 ms, the client
        // times out instead: the same answer, by the other path.
        redis.Pause();
        var pending = api.GetAsync("/data", Key);
        await Task.Delay(700);
        redis.Resume();
        using var during = await pending;
        using var after = await api.GetAsync("/data", Key);

        // Assert: the outage policy's 503, and the call charged nothing: the next request is the second counted.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("1", during.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("998", after.Headers.GetValues("X-RateLimit-Remaining").Single());
    }
}
