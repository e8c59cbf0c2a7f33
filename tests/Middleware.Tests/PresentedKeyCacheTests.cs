namespace ErrorCatalog.Middleware.Tests;

/// <summary>The presented-key cache's constant-time comparison: the same answers as ordinal equality.</summary>
public sealed class PresentedKeyCacheTests
{
    [Fact]
    public void FixedTimeEquals_AgreesWithOrdinalEquality_ForEveryLengthAndEveryDifferingByte()
    {
        for (var length = 0; length <= 40; length++)
        {
            var left = Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 1)).ToArray();
            Assert.True(PresentedKeyCache.FixedTimeEquals(left, left.ToArray()), $"length {length}: equal");
            Assert.False(PresentedKeyCache.FixedTimeEquals(left, [.. left, 0]), $"length {length}: one byte longer");

            for (var at = 0; at < length; at++)
            {
                foreach (var bit in new[] { 0x01, 0x80 })
                {
                    var right = left.ToArray();
                    right[at] ^= (byte)bit;
                    Assert.False(PresentedKeyCache.FixedTimeEquals(left, right), $"length {length}: byte {at} differs by {bit:x2}");
                }
            }
        }
    }

    [Fact]
    public void Cache_FindsOnlyTheExactKey()
    {
        var cache = new PresentedKeyCache(16);
        var hash = ApiKeyHash.Compute("ec_live_key_0001");
        cache.Add("ec_live_key_0001", hash);

        Assert.True(cache.TryGet("ec_live_key_0001", out var found));
        Assert.Equal(hash, found);
        Assert.False(cache.TryGet("ec_live_key_0002", out _));
        Assert.False(cache.TryGet("ec_live_key_000", out _));
        Assert.False(cache.TryGet("EC_LIVE_KEY_0001", out _));
    }
}
