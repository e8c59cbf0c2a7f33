namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The decision rules every counter store shares, directly: window starts and resets, the exact Retry-After of
/// fixed and sliding windows (and its rounding up to whole seconds), and the boundaries where a limit refuses.
/// </summary>
public sealed class LimitMathTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("minute", "2025-03-14T12:00:30.250Z", "2025-03-14T12:00:00Z", "2025-03-14T12:01:00Z")]
    [InlineData("minute", "2025-03-14T12:01:00Z", "2025-03-14T12:01:00Z", "2025-03-14T12:02:00Z")] // an end is the next start
    [InlineData("minute", "2025-03-14T12:00:59.9999999Z", "2025-03-14T12:00:00Z", "2025-03-14T12:01:00Z")]
    [InlineData("hour", "2025-03-14T12:59:59Z", "2025-03-14T12:00:00Z", "2025-03-14T13:00:00Z")]
    [InlineData("day", "2025-03-14T23:59:59Z", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z")]
    [InlineData("day", "2025-03-15T01:30:00+02:00", "2025-03-14T00:00:00Z", "2025-03-15T00:00:00Z")] // UTC days
    [InlineData("00:00:10", "2025-03-14T12:00:19Z", "2025-03-14T12:00:10Z", "2025-03-14T12:00:20Z")]
    [InlineData("month", "2025-01-31T23:59:59Z", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z")]
    [InlineData("month", "2025-02-01T00:00:00Z", "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z")]
    [InlineData("month", "2024-02-29T12:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")]
    [InlineData("month", "2025-12-31T23:59:59Z", "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    public void Window_StartsOnTheUtcClockAndResetsAtItsEnd(string window, string now, string start, string end)
    {
        Assert.True(WindowSpec.TryParse(window, out var spec));

        var (_, windowStart, windowEnd) = spec.Get(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), windowStart);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), windowEnd);
    }

    [Fact]
    public void Window_IndexDiffersFromTheNextWindowsAndRepeatsWithinOne()
    {
        Assert.True(WindowSpec.TryParse("month", out var month));

        Assert.Equal(month.Get(new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).Index, month.Get(new(2025, 1, 31, 23, 0, 0, TimeSpan.Zero)).Index);
        Assert.NotEqual(month.Get(new(2025, 1, 31, 23, 0, 0, TimeSpan.Zero)).Index, month.Get(new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero)).Index);
        Assert.NotEqual(month.Get(new(2024, 12, 31, 0, 0, 0, TimeSpan.Zero)).Index, month.Get(new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).Index);
    }

    [Theory]
    [InlineData(9, 1, false)]  // the last permit
    [InlineData(10, 1, true)]  // one over
    [InlineData(5, 5, false)]  // a cost that exactly fills the window
    [InlineData(5, 6, true)]   // a cost one over
    [InlineData(0, 11, true)]  // a cost above the whole permit, in an empty window
    public void FixedWindow_RefusesOnlyWhenTheChargeWouldPassThePermit(long used, long cost, bool refused)
    {
        var item = Item(Limit(LimitKind.Credits, 10, "minute"), cost);

        LimitMath.Evaluate(ref item, Noon.AddSeconds(30), used, previous: 0, TimeSpan.FromSeconds(1));

        Assert.Equal(refused, item.Refused);
        Assert.Equal(used, item.Used);
        Assert.Equal(Noon.AddMinutes(1), item.ResetAt);
        Assert.Equal(refused ? TimeSpan.FromSeconds(30) : TimeSpan.Zero, item.RetryAfter);
    }

    [Theory]
    [InlineData(0, 60)]                 // at the window's start: the whole minute
    [InlineData(250, 60)]               // 59.75 s rounds up: a client that waits that long is not early
    [InlineData(59_000, 1)]
    [InlineData(59_999, 1)]             // a millisecond left is a whole second
    public void FixedWindow_RetryAfterIsTheTimeToTheReset_RoundedUpToWholeSeconds(int millisecondsIn, long seconds)
    {
        var item = Item(Limit(LimitKind.Requests, 1, "minute"), 1);
        var now = Noon.AddMilliseconds(millisecondsIn);

        LimitMath.Evaluate(ref item, now, current: 1, previous: 0, TimeSpan.FromSeconds(1));

        Assert.True(item.Refused);
        Assert.Equal(Noon.AddMinutes(1) - now, item.RetryAfter);
        Assert.Equal(seconds, ApiError.ToWholeSeconds(item.RetryAfter));
    }

    [Fact]
    public void OverWithOverageAllowed_IsAdmittedAsOverage()
    {
        var item = Item(Limit(LimitKind.Credits, 10, "day"), 3, overageAllowed: true);

        LimitMath.Evaluate(ref item, Noon, current: 9, previous: 0, TimeSpan.FromSeconds(1));

        Assert.False(item.Refused);
        Assert.True(item.Overage);
        Assert.Equal(TimeSpan.Zero, item.RetryAfter);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Concurrency_RefusesTheRequestOverThePermit_WithTheConfiguredRetryAfter(long inFlight, bool refused)
    {
        var item = Item(Limit(LimitKind.Concurrency, 2, window: null), 1);

        LimitMath.Evaluate(ref item, Noon, inFlight, previous: 0, TimeSpan.FromSeconds(3));

        Assert.Equal(refused, item.Refused);
        Assert.Equal(refused ? TimeSpan.FromSeconds(3) : TimeSpan.Zero, item.RetryAfter);
        Assert.Equal(Noon, item.ResetAt);
    }

    [Theory]
    [InlineData(0, 0, 0)]       // nothing before
    [InlineData(10, 0, 10)]     // at the start: all of the previous window
    [InlineData(10, 15, 8)]     // a quarter in: 7.5 rounds up (never admits more than the permit)
    [InlineData(3, 30, 2)]      // half way: 1.5 rounds up
    [InlineData(10, 59, 1)]     // a second before the end: a sixtieth of 10 is still one
    public void SlidingWeight_IsThePreviousUseTheWindowStillCovers_RoundedUp(long previous, int secondsIn, long expected) =>
        Assert.Equal(expected, LimitMath.SlidingWeight(previous, Noon, Noon.AddMinutes(1), Noon.AddSeconds(secondsIn)));

    [Fact]
    public void SlidingWindow_RetryAfterIsWhenThePreviousWindowHasSlidOutEnough()
    {
        // Permit 10, 10 used last minute, none this one: 9 of them must slide out, a tenth of the minute (6 s).
        var item = Item(Limit(LimitKind.Requests, 10, "minute", sliding: true), 1);

        LimitMath.Evaluate(ref item, Noon, current: 0, previous: 10, TimeSpan.FromSeconds(1));

        Assert.True(item.Refused);
        Assert.Equal(10, item.Used);
        Assert.Equal(6, item.RetryAfter.TotalSeconds, precision: 6);
        Assert.Equal(6, ApiError.ToWholeSeconds(item.RetryAfter));

        // A client that waits the Retry-After it is told is admitted.
        var later = Item(Limit(LimitKind.Requests, 10, "minute", sliding: true), 1);
        LimitMath.Evaluate(ref later, Noon.AddSeconds(ApiError.ToWholeSeconds(item.RetryAfter)), current: 0, previous: 10, TimeSpan.FromSeconds(1));
        Assert.False(later.Refused);
    }

    [Fact]
    public void SlidingWindow_FullThisWindow_WaitsForTheEndAndThenForItsOwnUseToSlide()
    {
        // This minute holds 10 of 10: nothing before its end, then a tenth of the next minute for one to slide out.
        var item = Item(Limit(LimitKind.Requests, 10, "minute", sliding: true), 1);

        LimitMath.Evaluate(ref item, Noon.AddSeconds(45), current: 10, previous: 0, TimeSpan.FromSeconds(1));

        Assert.True(item.Refused);
        Assert.Equal(15 + 6, item.RetryAfter.TotalSeconds, precision: 6);
        Assert.Equal(Noon.AddMinutes(1), item.ResetAt);
    }

    [Fact]
    public void Conclude_AllAdmit_ChargesEveryLimitAndSetsWhatRemains()
    {
        var batch = new TestBatch();
        batch.Add(new LimitEntry(Limit(LimitKind.Requests, 10, "minute"), "k", "k"), 1, overageAllowed: false);
        batch.Add(new LimitEntry(Limit(LimitKind.Credits, 100, "day"), "k", "k"), 5, overageAllowed: false);
        batch.Add(new LimitEntry(Limit(LimitKind.Concurrency, 2, window: null), "k", "k"), 5, overageAllowed: false);
        LimitMath.Evaluate(ref batch[0], Noon, 9, 0, TimeSpan.FromSeconds(1));
        LimitMath.Evaluate(ref batch[1], Noon, 95, 0, TimeSpan.FromSeconds(1));
        LimitMath.Evaluate(ref batch[2], Noon, 1, 0, TimeSpan.FromSeconds(1));

        var admitted = LimitMath.Conclude(batch);

        Assert.True(admitted);
        Assert.Equal(-1, batch.RefusedIndex);
        Assert.Equal((10, 0), (batch[0].Used, batch[0].Remaining));
        Assert.Equal((100, 0), (batch[1].Used, batch[1].Remaining));
        Assert.Equal((2, 0), (batch[2].Used, batch[2].Remaining)); // a request in flight counts one, whatever its cost
    }

    [Fact]
    public void Conclude_SeveralRefuse_NamesTheOneThatAdmitsLast_AndChargesNothing()
    {
        var batch = new TestBatch();
        batch.Add(new LimitEntry(Limit(LimitKind.Requests, 1, "minute"), "k", "k"), 1, overageAllowed: false);
        batch.Add(new LimitEntry(Limit(LimitKind.Requests, 1, "day"), "k", "k"), 1, overageAllowed: false);
        batch.Add(new LimitEntry(Limit(LimitKind.Requests, 5, "hour"), "k", "k"), 1, overageAllowed: false);
        LimitMath.Evaluate(ref batch[0], Noon, 1, 0, TimeSpan.FromSeconds(1));
        LimitMath.Evaluate(ref batch[1], Noon, 7, 0, TimeSpan.FromSeconds(1)); // over its permit: none remain, not -6
        LimitMath.Evaluate(ref batch[2], Noon, 2, 0, TimeSpan.FromSeconds(1));

        var admitted = LimitMath.Conclude(batch);

        Assert.False(admitted);
        Assert.Equal(1, batch.RefusedIndex);
        Assert.Equal(TimeSpan.FromHours(12), batch[1].RetryAfter);
        Assert.Equal((1, 0), (batch[0].Used, batch[0].Remaining));
        Assert.Equal((7, 0), (batch[1].Used, batch[1].Remaining));
        Assert.Equal((2, 3), (batch[2].Used, batch[2].Remaining));
    }

    private static CounterItem Item(LimitDefinition limit, long cost, bool overageAllowed = false) => new()
    {
        Entry = new LimitEntry(limit, "key", "key"),
        Cost = cost,
        OverageAllowed = overageAllowed,
    };

    private static LimitDefinition Limit(LimitKind kind, long permit, string? window, bool sliding = false)
    {
        var spec = default(WindowSpec);
        Assert.True(window is null || WindowSpec.TryParse(window, out spec));
        return new LimitDefinition("test", LimitScope.Key, kind, permit, spec, sliding, ApiErrors.Catalog.Find(Refusal.MinuteLimit)!, description: null);
    }

    /// <summary>A batch no store made: LimitMath reads only the shared items.</summary>
    private sealed class TestBatch : CounterBatch;
}
