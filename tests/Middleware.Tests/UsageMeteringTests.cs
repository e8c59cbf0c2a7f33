using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The usage meter (AddApiUsageMeter): what admitted requests were charged reaches it, overage included, at least
/// once with ids to deduplicate on; refused requests and credits given back do not; without a meter nothing runs.
/// </summary>
public sealed class UsageMeteringTests
{
    /// <summary>Far from any window edge: every request of a test falls in one minute and one day.</summary>
    private static readonly DateTimeOffset Start = new(2024, 3, 15, 12, 0, 10, TimeSpan.Zero);

    private static string Config(string plain, string overage) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "UnitsLimit",
            "IpLimit": { "PermitLimit": 1000, "Window": "minute" },
            "StatusErrors": { "400": "BAD_REQUEST" },
            "Plans": { "node": { "Limits": {
              "credits": { "Kind": "Credits", "PermitLimit": 50, "Window": "day" },
              "minute": { "PermitLimit": 100, "Window": "minute" }
            } } },
            "ApiKeys": [
              { "Id": "plain", "Hash": "{{Hash(plain)}}", "Plan": "node" },
              { "Id": "overage", "Hash": "{{Hash(overage)}}", "Plan": "node", "Overage": true }
            ]
          }
        }
        """;

    [Fact]
    public async Task MixedRun_MeteredUnitsEqualTheCountersHeaders_OverageEqualsWhatPassedTheQuota_RefusedProduceNothing()
    {
        // Arrange: 50 credits a day; one key refused past them, one billed for overage.
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter();
        await using var api = await StartAsync(Config(plain, overage), start: Start, configure: b => b.Services.AddApiUsageMeter(_ => meter));

        // Act
        var overageCalls = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            overageCalls.Add(await api.GetAsync("/credits20", overage));
        }

        var plainCalls = new List<HttpResponseMessage>();
        foreach (var path in new[] { "/credits20", "/credits20", "/credits20", "/credits10" })
        {
            plainCalls.Add(await api.GetAsync(path, plain));
        }

        using var badKey1 = await api.GetAsync("/ok", "not-a-key");
        using var badKey2 = await api.GetAsync("/ok", "not-a-key");
        using var exempt = await api.GetAsync("/exempt", overage);
        using var anonymous = await api.GetAsync("/optional");
        await WaitForAsync(api.Time, meter, 9);

        // Assert: what the clients saw.
        Assert.All(overageCalls, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], plainCalls.Select(r => r.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, badKey1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("100", Header(overageCalls[^1], "X-UnitsLimit-Used"));
        Assert.Equal("50", Header(plainCalls[^1], "X-UnitsLimit-Used"));

        // Assert: the meter got each admitted, charged request once (refusals and the exempt call produce nothing).
        var records = meter.Accepted;
        Assert.Equal(9, records.Count);
        var byKey = records.Where(r => r.KeyId is not null).ToLookup(r => r.KeyId);
        Assert.Equal(5, byKey["overage"].Count());
        Assert.Equal(3, byKey["plain"].Count());

        // Credits equal the counters' use in the headers; overage is the part past the 50 of the quota.
        Assert.Equal(100, Units(byKey["overage"], "credits"));
        Assert.Equal(50, Units(byKey["plain"], "credits"));
        Assert.Equal([0L, 0L, 10L, 20L, 20L], byKey["overage"].OrderBy(r => Sequence(r.Id)).Select(r => Limit(r, "credits").OverageUnits));
        Assert.Equal(0, byKey["plain"].Sum(r => Limit(r, "credits").OverageUnits));
        Assert.Equal(5, Units(byKey["overage"], "minute"));
        Assert.Equal(3, Units(byKey["plain"], "minute"));
        Assert.Equal(9, Units(records, "ip")); // every admitted request, the key-less one too

        var first = byKey["overage"].OrderBy(r => Sequence(r.Id)).First();
        Assert.Equal("node", first.Plan);
        Assert.Equal("/credits20", first.Endpoint);
        Assert.Equal(Start, first.Timestamp);
        Assert.Equal(new MeteredLimit("credits", LimitScope.Key, LimitKind.Credits, 20, 0), Limit(first, "credits"));
        Assert.Equal(LimitScope.Ip, Limit(first, "ip").Scope);
        var keyless = Assert.Single(records, r => r.KeyId is null);
        Assert.Equal("ip", Assert.Single(keyless.Limits).Name);

        foreach (var response in overageCalls.Concat(plainCalls))
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task MeterThatThrowsItsFirstThreeCalls_StillGetsEveryRecord_WithTheSameIds()
    {
        // Arrange
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter(failFirst: 3);
        await using var api = await StartAsync(Config(plain, overage), start: Start, configure: b => b.Services.AddApiUsageMeter(_ => meter));

        // Act
        for (var i = 0; i < 6; i++)
        {
            using var response = await api.GetAsync("/credits10", overage);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await WaitForAsync(api.Time, meter, 6);

        // Assert: the failed calls carried ids the meter then received; nothing is lost or made up.
        var calls = meter.Calls;
        Assert.True(calls.Count >= 4, $"{calls.Count} calls");
        var accepted = meter.Accepted.Select(r => r.Id).ToHashSet();
        Assert.Equal(6, accepted.Count);
        Assert.All(calls.Take(3), failed => Assert.Subset(accepted, failed.Select(r => r.Id).ToHashSet()));
        Assert.Equal(calls[0].Select(r => r.Id), calls[1].Select(r => r.Id).Take(calls[0].Length)); // retried as it was
        Assert.Equal(60, Units(meter.Accepted, "credits"));
        Assert.Contains(api.Logs.GetSnapshot(), r => r.Id.Name == "UsageMeterFailed" && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task ParameterThatDoesNotBind_ItsCreditsAreGivenBack_AndNotMetered()
    {
        // Arrange: the framework answers 400 before the endpoint runs, from the catalog's problem writer.
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter();
        await using var api = await StartAsync(
            Config(plain, overage),
            app =>
            {
                app.UseStatusCodePages();
                app.MapGet("/typed", (int n) => n).WithCredits(20);
            },
            start: Start,
            configure: b => b.Services.AddApiUsageMeter(_ => meter));

        // Act
        using var unbound1 = await api.GetAsync("/typed?n=abc", plain);
        using var unbound2 = await api.GetAsync("/typed?n=abc", plain);
        using var bound = await api.GetAsync("/typed?n=1", plain);
        await WaitForAsync(api.Time, meter, 3);

        // Assert: all three count as requests; only the bound one's credits are charged, as the headers show.
        Assert.Equal(HttpStatusCode.BadRequest, unbound2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        Assert.Equal("20", Header(bound, "X-UnitsLimit-Used"));
        var records = meter.Accepted;
        Assert.Equal(3, Units(records, "minute"));
        Assert.Equal(20, Units(records, "credits"));
        Assert.Equal(2, records.Count(r => r.Limits.All(l => l.Kind != LimitKind.Credits)));
    }

    [Fact]
    public async Task Shutdown_DeliversWhatIsStillQueued()
    {
        // Arrange: batches wait an hour, so only the shutdown delivers them.
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter();
        await using var api = await StartAsync(
            Config(plain, overage), start: Start, configure: b => b.Services.AddApiUsageMeter(_ => meter, o => o.FlushInterval = TimeSpan.FromHours(1)));
        for (var i = 0; i < 4; i++)
        {
            using var response = await api.GetAsync("/credits10", plain);
        }

        // Act
        await api.App.StopAsync();

        // Assert
        Assert.Equal(4, meter.Count);
        Assert.Equal(40, Units(meter.Accepted, "credits"));
    }

    [Fact]
    public async Task StoppedTwiceAtOnce_DeliversEachRecordOnce()
    {
        // Arrange: a minimal app's Run and a test host can both stop the same host.
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter();
        await using var api = await StartAsync(
            Config(plain, overage), start: Start, configure: b => b.Services.AddApiUsageMeter(_ => meter, o => o.FlushInterval = TimeSpan.FromHours(1)));
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.GetAsync("/credits10", plain);
        }

        // Act
        await Task.WhenAll(api.App.StopAsync(), api.App.StopAsync());

        // Assert
        Assert.Equal(3, meter.Count);
        Assert.Equal(3, meter.Calls.Sum(c => c.Length));
    }

    [Fact]
    public async Task FullQueue_DropsTheNewestRecords_CountsAndLogsThem_RequestsStillAdmitted()
    {
        // Arrange: room for two records, and a meter that is down.
        string plain = NewKey(), overage = NewKey();
        var meter = new RecordingMeter(failFirst: int.MaxValue);
        await using var api = await StartAsync(
            Config(plain, overage), start: Start, configure: b => b.Services.AddApiUsageMeter(_ => meter, o =>
            {
                o.QueueCapacity = 2;
                o.FlushInterval = TimeSpan.FromHours(1);
            }));
        using var dropped = new MetricCollector<long>(api.App.Services.GetRequiredService<IMeterFactory>(), "ErrorCatalog.Middleware", "errorcatalog.metering.dropped");

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await api.GetAsync("/credits10", plain);
            statuses.Add(response.StatusCode);
        }

        api.Time.Advance(TimeSpan.FromHours(1)); // the batch goes to the meter, which throws; the drops are logged then
        await WaitUntilAsync(() => api.Logs.GetSnapshot().Any(r => r.Id.Name == "UsageRecordsDropped"));

        // Assert
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(3, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
        var log = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Name == "UsageRecordsDropped");
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.StartsWith("3 admitted requests were not metered", log.Message);
        Assert.Equal(2, meter.Calls[0].Length); // the two queued first
    }

    [Fact]
    public async Task NoMeterRegistered_NothingRuns()
    {
        string plain = NewKey(), overage = NewKey();
        await using var api = await StartAsync(Config(plain, overage), start: Start);

        using var response = await api.GetAsync("/credits10", plain);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(api.App.Services.GetService<UsageMeterQueue>());
        Assert.DoesNotContain(api.App.Services.GetServices<IHostedService>(), s => s is UsageMeterService);
    }

    [Theory]
    [InlineData("BatchSize")]
    [InlineData("QueueCapacity")]
    [InlineData("FlushInterval")]
    [InlineData("RetryBackOff")]
    public async Task SettingOutOfRange_FailsStartUp_NamingIt(string setting)
    {
        string plain = NewKey(), overage = NewKey();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(
            Config(plain, overage), configure: b => b.Services.AddApiUsageMeter(_ => new RecordingMeter(), o =>
            {
                switch (setting)
                {
                    case "BatchSize": o.BatchSize = 0; break;
                    case "QueueCapacity": o.QueueCapacity = -1; break;
                    case "FlushInterval": o.FlushInterval = TimeSpan.Zero; break;
                    default: o.RetryBackOff = TimeSpan.FromDays(2); break;
                }
            })));

        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public async Task BuiltInRateLimiter_MetersWhatItAdmits_NotWhatItRefuses()
    {
        // Arrange: UseRateLimiter with the catalog's limits instead of UseApiErrorCatalog; 3 requests a minute.
        var meter = new RecordingMeter();
        var json = $$"""
            {
              "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 3, "Window": "minute" }, "credits": { "Kind": "Credits", "PermitLimit": 100, "Window": "day" } } } },
              "ApiKeys": [ { "Id": "k", "Hash": "{{Hash("builtin_meter_key")}}", "Plan": "p" } ]
            }
            """;
        var time = new FakeTimeProvider(Start);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddApiErrorCatalog(new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build());
        builder.Services.AddRateLimiter(options => options.UseApiErrorCatalogLimits());
        builder.Services.AddApiUsageMeter(_ => meter);
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/ok", () => "ok").WithCredits(7);
        await app.StartAsync();
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-API-Key", "builtin_meter_key");

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/ok");
            statuses.Add(response.StatusCode);
        }

        await WaitForAsync(time, meter, 3);
        await app.StopAsync();

        // Assert
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, meter.Count);
        Assert.Equal(21, Units(meter.Accepted, "credits"));
        Assert.All(meter.Accepted, r => Assert.Equal("/ok", r.Endpoint));
    }

    private static long Units(IEnumerable<MeteredRequest> records, string limit) =>
        records.SelectMany(r => r.Limits).Where(l => l.Name == limit).Sum(l => l.Units);

    private static MeteredLimit Limit(MeteredRequest record, string name) => Assert.Single(record.Limits, l => l.Name == name);

    private static long Sequence(string id) => long.Parse(id[(id.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Moves the clock (flush interval, back-off) until the meter accepted <paramref name="count"/> records, or fails after 30 s.</summary>
    internal static async Task WaitForAsync(FakeTimeProvider time, RecordingMeter meter, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (meter.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the meter accepted {meter.Count} of {count} records within 30 s");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(10);
        }
    }
}
