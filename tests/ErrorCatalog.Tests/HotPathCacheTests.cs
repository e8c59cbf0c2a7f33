using ErrorCatalog.Tests.Fakes;

namespace ErrorCatalog.Tests;

/// <summary>
/// What lets a refusal skip work it does not need: large header integers that repeat (Retry-After of day and month
/// windows) are formatted once, and shapes and entries say whether they write the request id (so a caller can
/// leave Kestrel's lazily made TraceIdentifier unmade).
/// </summary>
public sealed class HotPathCacheTests
{
    [Fact]
    public void Integer_ARepeatedLargeValue_IsFormattedOnce()
    {
        var first = HeaderValues.Integer(1_336_170);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = HeaderValues.Integer(1_336_170);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, again);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Integer_LargeValuesSharingACacheSlot_StayCorrect()
    {
        // 256 apart: the same slot of the recent-values cache, each replacing the other.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("1000000", HeaderValues.Integer(1_000_000));
            Assert.Equal("1000256", HeaderValues.Integer(1_000_256));
        }
    }

    [Theory]
    [InlineData("problem", true)]
    [InlineData("envelope", true)]
    [InlineData("flat", false)]
    [InlineData("status", false)]
    public void Shape_SaysWhetherItWritesTheRequestId(string shape, bool expected) =>
        Assert.Equal(expected, ApiErrors.Catalog.GetShape(shape).UsesRequestId);

    [Fact]
    public void Entry_SaysWhetherItsDetailOrHeadersWriteTheRequestId()
    {
        Assert.True(TestCatalog.Echo.UsesRequestId);   // X-Request: {$requestId}
        Assert.False(TestCatalog.Quota.UsesRequestId);
        Assert.False(ApiErrors.Catalog.Find(Refusal.MinuteLimit)!.UsesRequestId);
    }
}
