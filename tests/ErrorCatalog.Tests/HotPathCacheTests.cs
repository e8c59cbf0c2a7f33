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
        // A cache of its own: the process's is shared with every test that formats a large value.
        var recent = new RecentIntegers();
        var first = recent.Get(1_336_170);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = recent.Get(1_336_170);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, again);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Integer_LargeValuesSharingACacheSlot_StayCorrect()
    {
        // Size apart: the same slot, each replacing the other.
        var recent = new RecentIntegers();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("1000000", recent.Get(1_000_000));
            Assert.Equal("1000256", recent.Get(1_000_000 + RecentIntegers.Size));
        }
    }

    [Theory]
    [InlineData(1_336_170, "1336170")]
    [InlineData(1_000_256, "1000256")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Integer_LargeValue_IsItsDecimalText(long value, string expected)
    {
        Assert.Equal(expected, HeaderValues.Integer(value));
        Assert.Equal(expected, HeaderValues.Integer(value));
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
