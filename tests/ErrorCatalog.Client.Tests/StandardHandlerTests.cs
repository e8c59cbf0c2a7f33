using System.Diagnostics;
using System.Net;
using FxRatesClient;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using FxRatesApp = FxRates.FxRatesApp;

namespace ErrorCatalog.Client.Tests;

/// <summary>
/// The catalog handler with <c>AddStandardResilienceHandler</c>: added first (outermost), and the standard one told
/// <c>LeaveRateLimitsToCatalog()</c>, a request is retried once per rule, never by both handlers.
/// </summary>
public sealed class StandardHandlerTests(ITestOutputHelper output)
{
    private const string FreeKey = "fx_free_demo_key_0001";
    private const string ProKey = "fx_pro_demo_key_0002";
    private const string Stale = "/v1/rates/live?pair=USDTRY";

    private static void Fast(CatalogResilienceOptions o)
    {
        o.MaxRetryAttempts = 2;
        o.ServiceUnavailableDelay = TimeSpan.FromMilliseconds(50);
    }

    [Fact]
    public async Task Stale503_WithTheStandardHandlerLeavingRateLimits_IsRetriedByTheCatalogHandlerOnly()
    {
        await using var api = new KestrelSample<FxRatesApp>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", ProKey, ApiErrors.Catalog, wire, Fast,
            more: b => b.AddStandardResilienceHandler(FastStandard).LeaveRateLimitsToCatalog());
        var report = new ScenarioReport("FX 503 with the standard handler (LeaveRateLimitsToCatalog)", wire, output);

        var stale = await Assert.ThrowsAsync<ApiErrorException>(() => services.Client().GetAsync(Stale));
        report.Calls = 1;
        report.Write();

        Assert.Equal(ApiErrors.Codes.StaleData, stale.Code);
        Assert.Equal(3, wire.Calls); // the first attempt and the catalog handler's 2 retries
    }

    [Fact]
    public async Task Stale503_WithTheStandardHandlerAsIs_IsRetriedByBoth()
    {
        // What LeaveRateLimitsToCatalog prevents: each of the catalog handler's 3 attempts is 4 on the wire.
        await using var api = new KestrelSample<FxRatesApp>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", ProKey, ApiErrors.Catalog, wire, Fast,
            more: b => b.AddStandardResilienceHandler(FastStandard));
        var report = new ScenarioReport("FX 503 with the standard handler as is (retried twice over)", wire, output);

        await Assert.ThrowsAsync<ApiErrorException>(() => services.Client().GetAsync(Stale));
        report.Calls = 1;
        report.Write();

        Assert.Equal(12, wire.Calls);
    }

    [Fact]
    public async Task MonthlyQuota_WithTheStandardHandler_OneRefusalOnTheWire_AndTheTypedExceptionAtOnce()
    {
        await using var api = new KestrelSample<FxRatesApp>(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:month:PermitLimit"] = "3",
        });
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire,
            more: b => b.AddStandardResilienceHandler().LeaveRateLimitsToCatalog());
        var client = services.Client();
        var report = new ScenarioReport("FX monthly quota with the standard handler", wire, output);
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await client.GetAsync("/v1/rates/live?pair=EURUSD");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => client.GetAsync("/v1/rates/live?pair=EURUSD"));
        report.Calls = 4;
        report.Write();

        Assert.Equal(ApiErrors.Codes.MonthlyQuotaExceeded, refused.Code);
        Assert.Equal(1, wire.Count(HttpStatusCode.TooManyRequests));
        Assert.Equal(4, wire.Calls);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    /// <summary>The standard handler with short retry delays and no Retry-After (the stale answer says 60 s), so the test is quick.</summary>
    private static void FastStandard(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions o)
    {
        o.Retry.Delay = TimeSpan.FromMilliseconds(10);
        o.Retry.ShouldRetryAfterHeader = false;
    }
}
