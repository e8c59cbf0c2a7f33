using System.Diagnostics;
using System.Globalization;
using System.Net;
using FxRatesClient;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using FxRatesApp = FxRates.FxRatesApp;

namespace ErrorCatalog.Client.Tests;

/// <summary>
/// The FX-rates sample on Kestrel, read through its errors.yaml (FxRatesClient.ApiErrors) and called through the
/// catalog handler: the free key's per-minute limit (shortened by configuration), the monthly quota, the statuses never
/// retried, 503 with backoff, cancellation.
/// </summary>
public sealed class FxRatesClientTests(ITestOutputHelper output)
{
    private const string FreeKey = "fx_free_demo_key_0001";
    private const string ProKey = "fx_pro_demo_key_0002";
    private const string Live = "/v1/rates/live?pair=EURUSD";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>The free tier's 10 requests per window, the window 5 seconds instead of a minute.</summary>
    private static readonly Dictionary<string, string?> ShortWindow = new()
    {
        ["ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit"] = "10",
        ["ApiErrorCatalog:Plans:free:Limits:minute:Window"] = "00:00:05",
        ["ApiErrorCatalog:Plans:free:Limits:minute:Description"] = "10 req/5s",
    };

    [Fact]
    public async Task FreeKey_15Calls_AllSucceed_NoneRefusedToTheCaller_EndingWithinASecondOfTheReset()
    {
        await using var api = new KestrelSample<FxRatesApp>(ShortWindow);
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire);
        var client = services.Client();
        await WarmUpAsync(api);
        await StartOfWindowAsync();

        var report = new ScenarioReport("FX free key, 15 calls, 10 per 5 s window", wire, output);
        DateTimeOffset? firstReset = null;
        for (var i = 0; i < 15; i++)
        {
            using var response = await client.GetAsync(Live);
            report.Calls++;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (i == 9)
            {
                Assert.Equal("0", Header(response, "X-RateLimit-Remaining"));
                firstReset = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Header(response, "X-RateLimit-Reset")!, CultureInfo.InvariantCulture));
            }
        }

        var end = DateTimeOffset.UtcNow;
        report.Write();
        Assert.Equal(15, wire.Count(HttpStatusCode.OK));
        Assert.InRange(wire.Count(HttpStatusCode.TooManyRequests), 0, 1);
        Assert.NotNull(firstReset);
        Assert.InRange(end - firstReset.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ConcurrentCallers_15Calls_AllSucceed_NoneRefusedToTheCaller()
    {
        await using var api = new KestrelSample<FxRatesApp>(ShortWindow);
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire);
        var client = services.Client();
        await WarmUpAsync(api);
        await StartOfWindowAsync();

        // Three callers at once: the gate is the client's, so after the first Remaining 0 (or 429) all of them wait. Only
        // requests already in flight when the window fills can meet a 429 (at most one per other caller per window).
        var report = new ScenarioReport("FX free key, 15 calls from 3 concurrent callers", wire, output);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            var mine = new List<HttpStatusCode>();
            for (var i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync(Live);
                mine.Add(response.StatusCode);
            }

            return mine;
        }));
        report.Calls = 15;
        report.Write();

        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.OK, s));
        var windows = (int)Math.Ceiling(report.Elapsed / Window);
        Assert.InRange(wire.Count(HttpStatusCode.TooManyRequests), 0, 2 * windows);
    }

    [Fact]
    public async Task MonthlyQuota_SurfacesAsTheTypedException_AtOnce_WithTheCodeAndTheReset()
    {
        await using var api = new KestrelSample<FxRatesApp>(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:month:PermitLimit"] = "3",
        });
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire);
        var client = services.Client();
        var report = new ScenarioReport("FX monthly quota (3) exhausted", wire, output);
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await client.GetAsync(Live);
            report.Calls++;
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => client.GetAsync(Live));
        clock.Stop();
        report.Calls++;
        report.Write();

        // Not a 27-day sleep: the exception came from the one 429, with the code and the reset (the 1st, 00:00 UTC).
        Assert.True(clock.Elapsed < new CatalogResilienceOptions().MaxWait, $"took {clock.Elapsed}");
        Assert.Equal(4, wire.Calls);
        Assert.Equal(1, wire.Count(HttpStatusCode.TooManyRequests));
        Assert.Equal(ApiErrors.Codes.MonthlyQuotaExceeded, refused.Code);
        var now = DateTimeOffset.UtcNow;
        var firstOfNextMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        Assert.NotNull(refused.ResetAt);
        Assert.InRange(refused.ResetAt.Value, firstOfNextMonth.AddSeconds(-2), firstOfNextMonth.AddSeconds(2));
        Assert.True(ApiErrors.TryGetMonthlyQuotaExceeded(refused.Error, out var quota));
        Assert.Equal(3, quota.Limit);
        Assert.True(quota.RetryAfter > new CatalogResilienceOptions().MaxWait);
        Assert.Equal(429, refused.Error.Status);
    }

    [Fact]
    public async Task Unauthorized_Forbidden_NotFound_AreNeverRetried_AndReadAsTheirCodes()
    {
        await using var api = new KestrelSample<FxRatesApp>();
        var wire = new Wire();
        await using var badKey = Clients.Build(api.BaseAddress, "X-API-Key", "fx_not_a_key", ApiErrors.Catalog, wire);
        await using var freeKey = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("FX 401, 403, 404 (never retried)", wire, output);

        using var unauthorized = await badKey.Client().GetAsync(Live);
        using var forbidden = await freeKey.Client().GetAsync("/v1/rates/spread?pair=EURUSD");
        using var notFound = await freeKey.Client().GetAsync("/v1/no-such-path");
        report.Calls = 3;
        report.Write();

        Assert.Equal(3, wire.Calls);
        Assert.Equal(ApiErrors.Codes.InvalidApiKey, (await unauthorized.ReadCatalogErrorAsync(ApiErrors.Catalog))!.Code);
        var plan = (await forbidden.ReadCatalogErrorAsync(ApiErrors.Catalog))!;
        Assert.True(ApiErrors.TryGetPlanUpgradeRequired(plan, out var upgrade));
        Assert.Equal("free", upgrade.Plan);
        Assert.Equal(403, plan.Status);
        var missing = await Assert.ThrowsAsync<ApiErrorException>(() => notFound.EnsureCatalogSuccessAsync(ApiErrors.Catalog));
        Assert.Equal(ApiErrors.Codes.NotFound, missing.Code);
    }

    [Fact]
    public async Task StaleData503_RetriedWithBackoff_ThenTheTypedError()
    {
        await using var api = new KestrelSample<FxRatesApp>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", ProKey, ApiErrors.Catalog, wire,
            o => { o.MaxRetryAttempts = 2; o.ServiceUnavailableDelay = TimeSpan.FromMilliseconds(100); });
        var report = new ScenarioReport("FX 503 stale data, never recovers (2 retries)", wire, output);

        var stale = await Assert.ThrowsAsync<ApiErrorException>(() => services.Client().GetAsync("/v1/rates/live?pair=USDTRY"));
        report.Calls = 1;
        report.Write();

        Assert.Equal(3, wire.Count(HttpStatusCode.ServiceUnavailable));
        Assert.True(ApiErrors.TryGetStaleData(stale.Error, out var data));
        Assert.Equal("USDTRY", data.Pair);
        Assert.Equal(TimeSpan.FromMinutes(10), data.MaxAge);
        Assert.True(data.Age > data.MaxAge);
    }

    [Fact]
    public async Task StaleData503_RetriedUntilTheCollectorRecovers()
    {
        // The borsa collector recovers 2 s after the app starts; backoff of 1, 2, 4 s (half to all of each, jittered).
        await using var api = new KestrelSample<FxRatesApp>(new Dictionary<string, string?> { ["FxRates:Outages:borsa:RecoversAfter"] = "00:00:02" });
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", ProKey, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("FX 503 stale data, recovers after 2 s", wire, output);

        using var response = await services.Client().GetAsync("/v1/rates/live?pair=USDTRY");
        report.Calls = 1;
        report.Write();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(wire.Count(HttpStatusCode.ServiceUnavailable), 1, 3);
    }

    [Fact]
    public async Task WaitingForTheReset_HonoursTheCallersCancellation()
    {
        await using var api = new KestrelSample<FxRatesApp>(new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit"] = "2",
        });
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, "X-API-Key", FreeKey, ApiErrors.Catalog, wire);
        var client = services.Client();
        for (var i = 0; i < 2; i++)
        {
            using var admitted = await client.GetAsync(Live);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // Remaining 0 until the minute's end: the third call waits, and the caller gives up first.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(Live, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(2, wire.Calls);
    }

    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;

    /// <summary>One request with another key, so the server's first-request costs are not in the scenario's time.</summary>
    private static async Task WarmUpAsync(KestrelSample<FxRatesApp> api)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Add("X-API-Key", ProKey);
        using var response = await client.GetAsync(Live);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Waits for the next 5-second window (windows start at multiples of their length), so 10 calls fit in one.</summary>
    private static async Task StartOfWindowAsync()
    {
        var into = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % (long)Window.TotalMilliseconds;
        await Task.Delay(TimeSpan.FromMilliseconds(Window.TotalMilliseconds - into + 20));
    }
}
