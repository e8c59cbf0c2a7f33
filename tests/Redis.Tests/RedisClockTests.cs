namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The store's estimate of Redis's clock, from the samples its replies carry.</summary>
public sealed class RedisClockTests
{
    [Fact]
    public void NoSample_NoOffset()
    {
        Assert.Equal(RedisClock.Unknown, new RedisClock().Offset);
    }

    [Fact]
    public void SlowReplies_DoNotMoveTheEstimate_TheFastestOfTheLastTwoSecondsCounts()
    {
        // Arrange: Redis's clock is 1,000,000 ms ahead of the tick; calls take 1 ms, one takes 300 ms.
        var clock = new RedisClock();

        // Act
        clock.Observe(1_000_000 + 10_001, sentTick: 10_000, nowTick: 10_002);
        clock.Observe(1_000_000 + 10_400, sentTick: 10_100, nowTick: 10_401);
        var withinTheSecond = clock.Offset;
        clock.Observe(1_000_000 + 11_300, sentTick: 11_000, nowTick: 11_301); // the next second: a slow call alone
        var nextSecond = clock.Offset;

        // Assert: the estimate stays within the fast call's transit of the true offset.
        Assert.Equal(1_000_001, withinTheSecond);
        Assert.Equal(1_000_001, nextSecond);
    }

    [Fact]
    public void RedisClockSteps_TheEstimateFollowsWithinTwoSeconds()
    {
        // Arrange
        var clock = new RedisClock();
        clock.Observe(1_000_000 + 10_001, sentTick: 10_000, nowTick: 10_002);

        // Act: Redis's clock steps 5 s ahead; replies keep coming.
        clock.Observe(1_005_000 + 11_001, sentTick: 11_000, nowTick: 11_002);
        var oneSecondLater = clock.Offset;
        clock.Observe(1_005_000 + 12_001, sentTick: 12_000, nowTick: 12_002);
        var twoSecondsLater = clock.Offset;

        // Assert: the old offset holds for the second after the step (deadlines then fall early: the outage
        // policy for those calls, never a late charge), then the new one.
        Assert.Equal(1_000_001, oneSecondLater);
        Assert.Equal(1_005_001, twoSecondsLater);
    }

    [Fact]
    public void AfterAQuietSpell_OnlyTheNewSampleCounts()
    {
        // Arrange
        var clock = new RedisClock();
        clock.Observe(1_000_000 + 10_001, sentTick: 10_000, nowTick: 10_002);

        // Act: nothing for a minute, then one reply from a Redis whose clock moved back by 2 s.
        clock.Observe(998_000 + 70_001, sentTick: 70_000, nowTick: 70_002);

        // Assert
        Assert.Equal(998_001, clock.Offset);
    }
}
