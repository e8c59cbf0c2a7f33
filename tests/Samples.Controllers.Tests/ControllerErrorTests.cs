using System.Net;
using System.Text.Json;
using static Samples.Controllers.Tests.ControllersHost;

namespace Samples.Controllers.Tests;

/// <summary>
/// The controllers sample answers like the minimal-API ones: its own entries from an <c>ActionResult&lt;T&gt;</c>
/// action, model validation from the catalog with the field errors, a 401 that says how to send a key, and a
/// plan-gated action's 403.
/// </summary>
public sealed class ControllerErrorTests
{
    [Fact]
    public async Task KnownPair_Returns200WithTheRate_AndRateLimitHeaders()
    {
        await using var api = new ControllersHost();

        using var response = await api.GetAsync("/v1/rates/EUR-USD", FreeKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("EUR-USD", body.RootElement.GetProperty("pair").GetString());
        Assert.Equal(["9"], response.Headers.GetValues("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task ActionResultOfT_ReturningAnApiError_WritesTheCatalogBody()
    {
        await using var api = new ControllersHost();

        using var response = await api.GetAsync("/v1/rates/EUR-XYZ", FreeKey);

        var body = await AssertProblemAsync(response, HttpStatusCode.NotFound, "PAIR_NOT_FOUND");
        Assert.Equal("https://example.com/docs/errors/pair-not-found", body.GetProperty("type").GetString());
        Assert.Equal("Unknown currency pair", body.GetProperty("title").GetString());
        Assert.Equal("No rate for EUR-XYZ.", body.GetProperty("detail").GetString());
        Assert.Equal("EUR-XYZ", body.GetProperty("pair").GetString());
    }

    [Fact]
    public async Task InvalidBody_Returns400FromTheCatalog_WithTheFieldErrors()
    {
        await using var api = new ControllersHost();

        using var response = await api.PostAsync("/v1/alerts", FreeKey, """{"pair":"EURUSD","threshold":0}""");

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var errors = body.GetProperty("errors");
        Assert.Equal(["pair", "threshold"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["The pair must look like EUR-USD."], errors.GetProperty("pair").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["The field Threshold must be between 0.0001 and 1000."], errors.GetProperty("threshold").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ValidBody_Returns201_AndTheSameAlertTwiceReturns409()
    {
        await using var api = new ControllersHost();

        using var created = await api.PostAsync("/v1/alerts", FreeKey, """{"pair":"EUR-USD","threshold":1.1}""");
        using var again = await api.PostAsync("/v1/alerts", FreeKey, """{"pair":"EUR-USD","threshold":1.1}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await AssertProblemAsync(again, HttpStatusCode.Conflict, "ALERT_EXISTS");
        Assert.Equal("An alert on EUR-USD at 1.1 exists already.", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(null, "API_KEY_MISSING")]
    [InlineData("not_a_key", "API_KEY_INVALID")]
    [InlineData(RevokedKey, "KEY_REVOKED")]
    public async Task KeyRefusal_Returns401_WithWwwAuthenticate(string? key, string code)
    {
        await using var api = new ControllersHost();

        using var response = await api.GetAsync("/v1/rates/EUR-USD", key);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, code);
        Assert.Equal(["ApiKey header=\"X-API-Key\""], response.Headers.GetValues("WWW-Authenticate"));
    }

    [Fact]
    public async Task PlanGatedAction_Returns403ForFree_And200ForPro()
    {
        await using var api = new ControllersHost();

        using var free = await api.GetAsync("/v1/rates/EUR-USD/spread", FreeKey);
        using var pro = await api.GetAsync("/v1/rates/EUR-USD/spread", ProKey);

        await AssertProblemAsync(free, HttpStatusCode.Forbidden, "API_KEY_PLAN_NOT_AUTHORIZED");
        Assert.False(free.Headers.Contains("WWW-Authenticate"));
        Assert.Equal(HttpStatusCode.OK, pro.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Returns404FromTheCatalog()
    {
        await using var api = new ControllersHost();

        using var response = await api.GetAsync("/v1/nothing-here", FreeKey);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
