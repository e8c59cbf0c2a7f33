namespace ErrorCatalog.Generator.Tests;

/// <summary>The parser's lists stay in step with the runtime's enums; codes become the expected member names.</summary>
public sealed class ParserContractTests
{
    [Fact]
    public void ParserRefusals_MatchRefusalEnumWithoutNone()
    {
        // Arrange
        var expected = Enum.GetNames<Refusal>().Where(n => n != nameof(Refusal.None));

        // Act
        var actual = Parser.Refusals;

        // Assert
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ParserSystemValues_MatchSystemValueEnumWithoutNone()
    {
        // Arrange: "args" is SystemValue.Arguments; the rest are the PascalCase of the camelCase names.
        var expected = Enum.GetNames<SystemValue>().Where(n => n != nameof(SystemValue.None));

        // Act
        var actual = Parser.SystemValues.Select(v => v == "args" ? nameof(SystemValue.Arguments) : char.ToUpperInvariant(v[0]) + v[1..]);

        // Assert
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("API_KEY_INVALID", "ApiKeyInvalid")]
    [InlineData("rate_limit_exceeded", "RateLimitExceeded")]
    [InlineData("notFound", "NotFound")]
    [InlineData("key-revoked", "KeyRevoked")]
    [InlineData("v2.quota exceeded", "V2QuotaExceeded")]
    [InlineData("404_NOT_FOUND", "E404NotFound")]
    [InlineData("1001", "E1001")]
    [InlineData("___", "E")]
    public void MemberName_PascalCasesCodes(string code, string expected)
    {
        // Act
        var name = Parser.MemberName(code);

        // Assert
        Assert.Equal(expected, name);
    }
}
