using System.Net;
using System.Text.Json;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>Paywalls: successes in {data, meta}; 400 VALIDATION_ERROR from the framework's validation, 404, 409.</summary>
public sealed class PaywallTests
{
    private const string Wallet = "0x52908400098527886E0F7030069857D2E4169EE7";

    private static string Body(string slug, string? targetUrl = null, string wallet = Wallet) => JsonSerializer.Serialize(new
    {
        slug,
        name = "Weekly digest",
        priceUsd = 1.5m,
        wallet,
        targetUrl,
    });

    [Fact]
    public async Task List_ReturnsTheAccountsPaywalls_InDataAndMeta()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", OwnerKey);

        var data = await AssertDataAsync(response);
        var paywall = Assert.Single(data.EnumerateArray());
        Assert.Equal(["id", "slug", "name", "priceUsd", "wallet", "targetUrl", "createdAt", "serviceId"], Names(paywall));
        Assert.Equal("premium-report", paywall.GetProperty("slug").GetString());
        Assert.Equal(2.50m, paywall.GetProperty("priceUsd").GetDecimal());
        var body = await ReadJsonAsync(response);
        Assert.Equal("2026-01-01T00:00:00.000Z", body.GetProperty("meta").GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Create_Returns201WithLocation_ThenTheSameSlugReturns409Conflict()
    {
        await using var api = new ProceedsFactory();

        using var created = await api.PostAsync("/v1/paywalls", OwnerKey, Body("weekly-digest"));
        using var again = await api.PostAsync("/v1/paywalls", OwnerKey, Body("weekly-digest"));

        var data = await AssertDataAsync(created, HttpStatusCode.Created);
        var id = data.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/paywalls/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("weekly-digest", data.GetProperty("slug").GetString());
        Assert.Equal(1.5m, data.GetProperty("priceUsd").GetDecimal());
        Assert.Equal(PageExampleTime, data.GetProperty("createdAt").GetDateTimeOffset());
        await AssertPlainErrorAsync(again, HttpStatusCode.Conflict, "CONFLICT", "A paywall with slug 'weekly-digest' already exists");

        using var read = await api.GetAsync($"/v1/paywalls/{id}", OwnerKey);
        Assert.Equal("weekly-digest", (await AssertDataAsync(read)).GetProperty("slug").GetString());
    }

    [Fact]
    public async Task SeededSlug_Returns409Conflict_ButAnotherAccountMayUseIt()
    {
        await using var api = new ProceedsFactory();

        using var conflict = await api.PostAsync("/v1/paywalls", OwnerKey, Body("premium-report"));
        using var elsewhere = await api.PostAsync("/v1/paywalls", GlobexKey, Body("premium-report"));

        await AssertPlainErrorAsync(conflict, HttpStatusCode.Conflict, "CONFLICT", "A paywall with slug 'premium-report' already exists");
        await AssertDataAsync(elsewhere, HttpStatusCode.Created);
    }

    [Fact]
    public async Task InvalidBody_Returns400ValidationError_WithTheFrameworksErrorsAsDetails()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, """{"slug":"Not A Slug","priceUsd":0,"targetUrl":"nope"}""");

        var body = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "Request validation failed");
        var details = body.GetProperty("details");
        Assert.Equal(["slug", "name", "priceUsd", "wallet", "targetUrl"], Names(details));
        Assert.Equal(["The slug must be 2 to 63 lowercase letters, digits or dashes."], Messages(details, "slug"));
        Assert.Equal(["The Name field is required."], Messages(details, "name"));
        Assert.Equal(["The field PriceUsd must be between 0.01 and 1000000."], Messages(details, "priceUsd"));
        Assert.Equal(["The Wallet field is required."], Messages(details, "wallet"));
        Assert.Equal(["The TargetUrl field is not a valid fully-qualified http, https, or ftp URL."], Messages(details, "targetUrl"));
    }

    [Theory]
    [InlineData("{bad json")]
    [InlineData("")]
    public async Task UnreadableBody_Returns400ValidationError_WithNullDetails(string json)
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, json);

        await AssertPlainErrorAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "Request validation failed");
    }

    [Fact]
    public async Task InvalidWallet_Returns400InvalidWallet()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, Body("weekly-digest", wallet: "0x123"));

        await AssertPlainErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_WALLET", "Invalid wallet address: 0x123");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/admin", "127.0.0.1")]
    [InlineData("https://localhost/internal", "localhost")]
    [InlineData("http://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("http://10.0.0.5/", "10.0.0.5")]
    public async Task TargetUrlOnAPrivateAddress_Returns400SsrfBlocked(string url, string host)
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", OwnerKey, Body("weekly-digest", url));

        await AssertPlainErrorAsync(response, HttpStatusCode.BadRequest, "SSRF_BLOCKED", $"The URL points to a private or reserved address: {host}");
    }

    [Fact]
    public async Task TenthPaywallOfTheBeta_IsTheLast_TheNextReturns403BetaLimitPaywalls()
    {
        await using var api = new ProceedsFactory();

        // acme has one seeded paywall: nine more make ten.
        for (var i = 0; i < 9; i++)
        {
            using var created = await api.PostAsync("/v1/paywalls", OwnerKey, Body($"paywall-{i}"));
            await AssertDataAsync(created, HttpStatusCode.Created);
        }

        using var refused = await api.PostAsync("/v1/paywalls", OwnerKey, Body("one-too-many"));

        await AssertPlainErrorAsync(refused, HttpStatusCode.Forbidden, "BETA_LIMIT_PAYWALLS", "The beta allows at most 10 paywalls per account");
    }

    [Fact]
    public async Task UnknownPaywall_Returns404NotFound()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls/pw_nope", OwnerKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", "Resource not found: paywall pw_nope");
    }

    [Fact]
    public async Task UnknownRoute_Returns404NotFound_InTheSameShape()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/nothing-here", OwnerKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", "Resource not found: /v1/nothing-here");
    }

    [Fact]
    public async Task WrongMethod_Returns405_InTheSameShape()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.SendAsync(HttpMethod.Delete, "/v1/paywalls/pw_acme_report", OwnerKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED", "The method is not allowed for this resource");
        Assert.Equal("GET", Header(response, "Allow"));
    }

    private static string[] Messages(JsonElement details, string field) =>
        [.. details.GetProperty(field).EnumerateArray().Select(static m => m.GetString()!)];
}
