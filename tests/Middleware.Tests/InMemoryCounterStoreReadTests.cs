using ErrorCatalog;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The in-memory store's usage read: a decision's figures, less nothing (a read charges nothing), for counters the
/// store holds; 0 for those it does not, which it does not create; and no allocation, as a read walks a reused batch.
/// </summary>
[Collection(AllocationGuardCollection.Name)]
public sealed class InMemoryCounterStoreReadTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 31, 23, 58, 30, TimeSpan.Zero);

    private static readonly ErrorDescriptor Error = ApiErrors.Catalog.Find(Refusal.MinuteLimit)!;

    private static readonly LimitDefinition[] Plan =
    [
        new("minute", LimitScope.Key, LimitKind.Requests, 1000, new WindowSpec(TimeSpan.TicksPerMinute, false), false, Error, null),
        new("sliding", LimitScope.Key, LimitKind.Requests, 100, new WindowSpec(TimeSpan.TicksPerMinute, false), true, Error, null),
        new("credits", LimitScope.Subscription, LimitKind.Credits, 50, new WindowSpec(TimeSpan.TicksPerDay, false), false, Error, null),
        new("concurrency", LimitScope.Key, LimitKind.Concurrency, 10, default, false, Error, null),
    ];

    [Fact]
    public void Read_AfterADecision_HasItsFigures_AndChargesNothing()
    {
        // Arrange: a minute of 7 requests, then 30 s into the next one, 2 more; one held in flight.
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        for (var i = 0; i < 7; i++)
        {
            Fill(batch, time.GetUtcNow(), cost: 10);
            Assert.True(store.Acquire(batch));
            store.Release(batch);
        }

        time.Advance(TimeSpan.FromSeconds(60));
        Fill(batch, time.GetUtcNow(), cost: 1);
        Assert.True(store.Acquire(batch));
        store.Release(batch);
        Fill(batch, time.GetUtcNow(), cost: 1);
        Assert.True(store.Acquire(batch)); // held
        var decided = Figures(batch);

        // Act: two reads in a row.
        var read = store.CreateBatch();
        Fill(read, time.GetUtcNow(), cost: 0);
        store.ReadKnown(read);
        var first = Figures(read);
        store.ReadKnown(read);

        // Assert: the decision's figures (the sliding window counts half of the last minute's 7: 2 + 4).
        Assert.Equal(decided, first);
        Assert.Equal(first, Figures(read));
        Assert.Equal((6L, 94L), (read[1].Used, read[1].Remaining));
        Assert.Equal((72L, 0L, true), (read[2].Used, read[2].Remaining, read[2].Overage));
        Assert.Equal((1L, 9L), (read[3].Used, read[3].Remaining));
        store.Release(batch);
    }

    [Fact]
    public void Read_OfAnOwnerWithNoCounters_IsZero_AndCreatesNone()
    {
        // Arrange
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var read = store.CreateBatch();
        Fill(read, time.GetUtcNow(), cost: 0, id: "nobody");

        // Act
        store.ReadKnown(read);

        // Assert
        Assert.Equal(0, store.PartitionCount);
        Assert.Equal((0L, 1000L, Start.AddSeconds(30)), (read[0].Used, read[0].Remaining, read[0].ResetAt));
        Assert.Equal((0L, 10L), (read[3].Used, read[3].Remaining));
    }

    [ReleaseOnlyFact]
    public void Read_AllocatesNothing()
    {
        // Arrange
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        Fill(batch, time.GetUtcNow(), cost: 1);
        Assert.True(store.Acquire(batch));
        store.ReadKnown(batch);

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            store.ReadKnown(batch);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Equal(0, bytes);
    }

    private static void Fill(CounterBatch batch, DateTimeOffset now, long cost, string id = "key")
    {
        batch.Reset();
        batch.Now = now;
        foreach (var limit in Plan)
        {
            var owner = limit.Scope == LimitScope.Subscription ? "subscription" : id;
            batch.Add(new LimitEntry(limit, owner, owner), limit.Kind == LimitKind.Credits ? cost : 1, overageAllowed: limit.Kind == LimitKind.Credits);
        }
    }

    private static (long Used, long Remaining, DateTimeOffset Reset)[] Figures(CounterBatch batch) =>
        [.. Enumerable.Range(0, batch.Count).Select(i => (batch[i].Used, batch[i].Remaining, batch[i].ResetAt))];
}
