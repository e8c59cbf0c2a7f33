using System.Text;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Generator.Tests;

/// <summary>The runtime's own generated <see cref="ApiErrors"/> (from the root errors.yaml) at work.</summary>
public sealed class GeneratedFactoryTests
{
    [Fact]
    public void MinuteRateLimitFactory_CarriesDescriptorAndValues()
    {
        // Act
        var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(10, 10, TimeSpan.FromSeconds(42));

        // Assert
        Assert.Same(ApiErrors.Descriptors.ApiKeyPlanMinuteRateLimitReached, error.Descriptor);
        Assert.Equal("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", error.Code);
        Assert.Equal(429, error.Status);
        Assert.Equal(1008, error.Descriptor.NumericCode);
        Assert.Equal(Refusal.MinuteLimit, error.Descriptor.Refusal);
        Assert.Equal("/errors/api-key-plan-minute-rate-limit-reached", error.Descriptor.Type);
        Assert.Equal(["used", "limit", "retryAfter"], error.Descriptor.Placeholders.Select(p => p.Name));
        Assert.Equal([PlaceholderKind.Int64, PlaceholderKind.Int64, PlaceholderKind.Seconds], error.Descriptor.Placeholders.Select(p => p.Kind));
        Assert.True(error.IsSet(0) && error.IsSet(1) && error.IsSet(2));
        Assert.Equal([10L, 10L, 42L], new[] { error[0].Number, error[1].Number, error[2].Number });
    }

    [Fact]
    public void MinuteRateLimitFactory_FormatsDetailAndHeader()
    {
        // Arrange
        var error = ApiErrors.ApiKeyPlanMinuteRateLimitReached(10, 10, TimeSpan.FromSeconds(41.5));
        var headers = new HeaderDictionary();

        // Act
        var detail = ApiErrorWriter.FormatDetail(error);
        ApiErrorWriter.WriteHeaders(headers, error, default);

        // Assert
        Assert.Equal(
            "You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute. Rate limits reset every minute.",
            detail);
        Assert.Equal("42", headers["Retry-After"].ToString());
    }

    [Fact]
    public void KeyInvalidFactory_WritesProblemDetails()
    {
        // Arrange
        var error = ApiErrors.ApiKeyInvalid();

        // Act
        var body = Encoding.UTF8.GetString(ApiErrorWriter.GetBodyBytes(error, new ErrorContext { RequestId = "req-1" }));

        // Assert
        Assert.Equal(
            """{"type":"/errors/api-key-invalid","title":"This API Key is invalid.","status":401,"detail":"This API Key is invalid.","code":"API_KEY_INVALID","numericCode":1001,"requestId":"req-1"}""",
            body);
    }

    [Fact]
    public void Catalog_FindsByNumericCodeCodeAndRefusal()
    {
        // Act
        var byNumber = ApiErrors.Catalog.Find(1008);
        var byCode = ApiErrors.Catalog.Find("API_KEY_INVALID");
        var byRefusal = ApiErrors.Catalog.Find(Refusal.MinuteLimit);

        // Assert
        Assert.Same(ApiErrors.Descriptors.ApiKeyPlanMinuteRateLimitReached, byNumber);
        Assert.Same(ApiErrors.Descriptors.ApiKeyInvalid, byCode);
        Assert.Same(ApiErrors.Descriptors.ApiKeyPlanMinuteRateLimitReached, byRefusal);
        Assert.Null(ApiErrors.Catalog.Find(9999));
        Assert.Null(ApiErrors.Catalog.Find("NO_SUCH_CODE"));
        Assert.Null(ApiErrors.Catalog.Find(Refusal.None));
    }

    [Fact]
    public void RootCatalog_AnswersEveryRefusalExactlyOnce()
    {
        // Arrange
        var refusals = Enum.GetValues<Refusal>().Where(r => r != Refusal.None);

        // Act and Assert
        Assert.All(refusals, refusal =>
        {
            var answer = ApiErrors.Catalog.Find(refusal);
            Assert.NotNull(answer);
            Assert.Equal(refusal, answer.Refusal);
            Assert.Single(ApiErrors.Catalog.Errors, e => e.Refusal == refusal);
        });
    }

    [Fact]
    public void RootCatalog_EntriesBelongToTheCatalogAndItsShapes()
    {
        // Act
        var catalog = ApiErrors.Catalog;

        // Assert
        Assert.All(catalog.Errors, e => Assert.Same(catalog, e.Catalog));
        Assert.Same(catalog.GetShape("problem"), catalog.DefaultShape);
        Assert.Equal(["envelope", "flat", "problem", "status"], catalog.Shapes.Keys.Order(StringComparer.Ordinal));
    }
}
