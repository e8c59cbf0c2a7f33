namespace ErrorCatalog.Middleware.Tests;

/// <summary>The "did you mean" of start-up errors: misspellings find their name, unrelated names find none.</summary>
public sealed class ClosestNameTests
{
    [Theory]
    [InlineData("por", "pro")]             // two letters swapped: one edit
    [InlineData("sprad", "spread")]        // a letter missing
    [InlineData("PermitLimt", "PermitLimit")]
    [InlineData("windwo", "Window")]       // swapped, another case
    [InlineData("enterprise", null)]       // nothing close
    public void Find_SuggestsTheNameAMisspellingMeant(string typed, string? expected) =>
        Assert.Equal(expected, ClosestName.Find(typed, ["free", "pro", "spread", "PermitLimit", "Window"]));
}
