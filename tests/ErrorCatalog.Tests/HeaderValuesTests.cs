using System.Text;

namespace ErrorCatalog.Tests;

public sealed class HeaderValuesTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(42, "42")]
    [InlineData(HeaderValues.CachedIntegers - 1, "65535")]
    [InlineData(HeaderValues.CachedIntegers, "65536")]
    [InlineData(1_740_000_000L, "1740000000")]
    [InlineData(-1, "-1")]
    public void Integer_WritesInvariantDecimal(long value, string expected) => Assert.Equal(expected, HeaderValues.Integer(value));

    [Fact]
    public void Integer_SmallValue_ReturnsTheCachedString() => Assert.Same(HeaderValues.Integer(42), HeaderValues.Integer(42));

    [Theory]
    [InlineData("plain text 123", "plain text 123")]
    [InlineData("a\r\nb", "a??b")]
    [InlineData("\0\u001f\u007f", "???")]
    [InlineData("tab\there", "tab\there")]
    [InlineData("é", "?")]
    [InlineData("日本", "??")]
    [InlineData("😀", "?")]
    [InlineData("", "")]
    public void FromUtf8_KeepsVisibleAsciiOnly(string text, string expected)
    {
        var value = HeaderValues.FromUtf8(Encoding.UTF8.GetBytes(text));

        Assert.Equal(expected, value);
        Assert.True(HeaderValues.IsSafe(value));
    }

    [Fact]
    public void FromUtf8_InvalidUtf8_NeverYieldsControlOrNonAscii()
    {
        byte[] bytes = [0xC3, 0x0D, 0x0A, 0x80, 0xFF, (byte)'x', 0xE6, 0x97];

        var value = HeaderValues.FromUtf8(bytes);

        Assert.True(HeaderValues.IsSafe(value));
        Assert.DoesNotContain('\r', value);
        Assert.DoesNotContain('\n', value);
        Assert.Contains('x', value);
    }

    [Fact]
    public void FromUtf8_LongValue_KeepsEveryCharacter()
    {
        var text = new string('a', 300) + "\r\n" + new string('b', 300);

        var value = HeaderValues.FromUtf8(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new string('a', 300) + "??" + new string('b', 300), value);
    }

    [Theory]
    [InlineData("ok value", true)]
    [InlineData("tab\t", true)]
    [InlineData("cr\r", false)]
    [InlineData("lf\n", false)]
    [InlineData("del\u007f", false)]
    [InlineData("é", false)]
    public void IsSafe_AcceptsVisibleAsciiAndTab(string value, bool expected) => Assert.Equal(expected, HeaderValues.IsSafe(value));
}
