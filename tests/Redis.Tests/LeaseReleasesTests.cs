namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The queue of ended leases: it grows from a small ring to its capacity, keeps their order, and says when it is full.</summary>
public sealed class LeaseReleasesTests
{
    [Fact]
    public void GrowsPastItsFirstRing_KeepsOrder_RefusesPastCapacity()
    {
        // Arrange: wrap the small ring first, so growing copies a ring that does not start at 0.
        var releases = new LeaseReleases(capacity: 100);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(releases.TryAdd("set", i));
        }

        var first = new RedisCall();
        first.Begin();
        releases.TakeInto(first, 5);

        // Act
        var added = Enumerable.Range(10, 100).Select(i => releases.TryAdd("set", i)).ToList();
        var members = new List<long>();
        while (releases.Count > 0)
        {
            var call = new RedisCall();
            call.Begin();
            releases.TakeInto(call, RedisLane.MaxReleasesPerCall);
            members.AddRange(Enumerable.Range(0, call.Releases).Select(j => call.ReleaseAt(j).Member));
        }

        // Assert: 5 were taken, so 95 of the next 100 fit (100 in all) and the last 5 are refused; they come out in
        // the order they went in.
        Assert.Equal(5, first.Releases);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i < 95), added);
        Assert.Equal(Enumerable.Range(5, 100).Select(i => (long)i), members);
    }
}
