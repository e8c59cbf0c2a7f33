using ErrorCatalog;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The in-memory store's state per tracked key: compact (one object per key, not one per counter), and reclaimed
/// once every window of the key has ended and it has been idle for the retention. The 1,000,000-key figure is
/// measured by <c>benchmarks/ErrorCatalog.Benchmarks -- memory</c>; this guards it with allocated bytes on this thread.
/// </summary>
public sealed class InMemoryCounterStoreTests
{
    /// <summary>90 s before March ends: the minute ends at 23:59, the day and the month at 00:00.</summary>
    private static readonly DateTimeOffset Start = new(2025, 3, 31, 23, 58, 30, TimeSpan.Zero);

    private static readonly ErrorDescriptor Error = ApiErrors.Catalog.Find(Refusal.MinuteLimit)!;

    private static readonly LimitDefinition[] Plan =
    [
        new("minute", LimitScope.Key, LimitKind.Requests, 1000, new WindowSpec(TimeSpan.TicksPerMinute, false), false, Error, null),
        new("month", LimitScope.Key, LimitKind.Requests, 100_000, WindowSpec.Month, false, Error, null),
        new("credits", LimitScope.Key, LimitKind.Credits, 50_000, new WindowSpec(TimeSpan.TicksPerDay, false), false, Error, null),
        new("concurrency", LimitScope.Key, LimitKind.Concurrency, 10, default, false, Error, null),
    ];

    [Fact]
    public void IdleKeys_AreReclaimed_OnceAllTheirWindowsHaveEnded()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        for (var i = 0; i < 100; i++)
        {
            Decide(store, batch, "key-" + i, time, release: true);
        }

        Assert.Equal(100, store.PartitionCount);
        Assert.Equal(400, store.CounterCount);

        time.Advance(TimeSpan.FromMinutes(1)); // 23:59:30: the minute ended, the month has not
        Assert.Equal(100, store.PartitionCount);

        time.Advance(TimeSpan.FromMinutes(1)); // 00:00:30: every window ended, idle for more than a minute
        Assert.Equal(0, store.PartitionCount);
        Assert.Equal(0, store.CounterCount);
    }

    [Fact]
    public void AKeyWithARequestInFlight_IsKept_UntilItIsReleased()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var held = store.CreateBatch();
        Decide(store, held, "busy", time, release: false);

        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, store.PartitionCount);

        store.Release(held);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, store.PartitionCount);
    }

    [Fact]
    public void AReclaimedKey_StartsAgainFromNothing()
    {
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        Decide(store, batch, "again", time, release: true);
        Decide(store, batch, "again", time, release: true);
        Assert.Equal(2, batch[1].Used);

        time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(0, store.PartitionCount);
        Decide(store, batch, "again", time, release: true);

        Assert.Equal(1, batch[1].Used); // a new partition: nothing carried over
        Assert.Equal(1, store.PartitionCount);
    }

    [Fact]
    public void ARequestStampedBeforeTheKeysWindow_CountsInIt_AndDropsNoUse()
    {
        // Two requests whose clock reads straddle a minute: the later one is decided first. The earlier one must not
        // move the key's windows back, which would start them again from nothing.
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        var beforeMinute = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(40)); // 23:59:10: the next minute
        Decide(store, batch, "late", time, release: true);
        Decide(store, batch, "late", time, release: true);

        Decide(store, batch, "late", beforeMinute, release: true);
        Assert.Equal(3, batch[0].Used); // counted in the key's minute, after its two
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), batch[0].ResetAt); // the minute of 23:59

        Decide(store, batch, "late", time, release: true);
        Assert.Equal(4, batch[0].Used);
        Assert.Equal(4, batch[1].Used); // the month too
    }

    [Fact]
    public void ATrackedKeyWithFourLimits_AllocatesLessThan400Bytes()
    {
        // Everything allocated for 20,000 new keys on this thread, garbage included (as the map grows it allocates
        // new buckets and nodes): about 310 B. What stays is about 170 B per key (benchmarks -- memory); one entry
        // and one object per counter, as before, kept about 590 B, so allocated more than 400.
        const int Keys = 20_000;
        var ids = Enumerable.Range(0, Keys).Select(i => "key-" + i).ToArray();
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        Decide(store, batch, "first", time, release: true);

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var id in ids)
        {
            Decide(store, batch, id, time, release: true);
        }

        var perKey = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Keys;

        Assert.True(perKey < 400, $"{perKey:F1} bytes allocated per tracked key");
        Assert.Equal(Keys + 1, store.PartitionCount);
    }

    private static void Decide(InMemoryCounterStore store, CounterBatch batch, string id, TimeProvider time, bool release) =>
        Decide(store, batch, id, time.GetUtcNow(), release);

    private static void Decide(InMemoryCounterStore store, CounterBatch batch, string id, DateTimeOffset now, bool release)
    {
        batch.Reset();
        batch.Now = now;
        foreach (var limit in Plan)
        {
            batch.Add(new LimitEntry(limit, id, id), limit.Kind == LimitKind.Credits ? 5 : 1, overageAllowed: false);
        }

        Assert.True(store.Acquire(batch));
        if (release)
        {
            store.Release(batch);
        }
    }
}
