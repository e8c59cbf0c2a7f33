namespace ErrorCatalog.Tests;

public sealed class ApiErrorCatalogTests
{
    [Fact]
    public void Find_ByCodeNumberAndRefusal_ReturnsTheEntry()
    {
        var catalog = ApiErrors.Catalog;

        Assert.Same(ApiErrors.Descriptors.ApiKeyInvalid, catalog.Find("API_KEY_INVALID"));
        Assert.Same(ApiErrors.Descriptors.ApiKeyInvalid, catalog.Find(1001));
        Assert.Same(ApiErrors.Descriptors.ApiKeyPlanMinuteRateLimitReached, catalog.Find(Refusal.MinuteLimit));
        Assert.Null(catalog.Find("api_key_invalid"));
        Assert.Null(catalog.Find(9999));
        Assert.Null(catalog.Find((Refusal)999));
    }

    [Fact]
    public void Shapes_HoldProblemAndDeclaredShapes()
    {
        Assert.Equal(["envelope", "flat", "problem", "status"], ApiErrors.Catalog.Shapes.Keys.Order());
        Assert.Same(BodyShape.Problem, ApiErrors.Catalog.DefaultShape);
        Assert.Throws<KeyNotFoundException>(() => ApiErrors.Catalog.GetShape("nope"));
    }

    [Fact]
    public void Constructor_DuplicateCode_Throws()
    {
        static ErrorDescriptor Entry(string code) => new(
            code, null, 400, "Title", [TemplateSegment.Literal("Title")], null, "https://example.test/e", Refusal.None, [], [], null);

        Assert.Throws<ArgumentException>(() => new ApiErrorCatalog(null, [], [Entry("A"), Entry("A")]));
    }
}
