using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The decisions counter and the refusal log line.</summary>
public sealed class ObservabilityTests
{
    private const string RefusalCategory = "ErrorCatalog.Middleware.RefusalResponder";

    private static string Config(string key, string overageKey) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": {
              "free": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } },
              "node": { "Limits": { "credits": { "Kind": "Credits", "PermitLimit": 10, "Window": "day" } } }
            },
            "ApiKeys": [
              { "Id": "free-key", "Hash": "{{Hash(key)}}", "Plan": "free" },
              { "Id": "node-key", "Hash": "{{Hash(overageKey)}}", "Plan": "node", "Overage": true }
            ]
          }
        }
        """;

    private static MetricCollector<long> Decisions(TestApi api) =>
        new(api.App.Services.GetRequiredService<IMeterFactory>(), "ErrorCatalog.Middleware", "errorcatalog.decisions");

    private static string? Tag(CollectedMeasurement<long> measurement, string name) =>
        measurement.Tags.TryGetValue(name, out var value) ? value as string : null;

    [Fact]
    public async Task AdmittedAndRefusedRequests_AreCountedWithOutcomeReasonAndPlan()
    {
        string key = NewKey(), overage = NewKey();
        await using var api = await StartAsync(Config(key, overage));
        using var decisions = Decisions(api);

        using var admitted = await api.GetAsync("/ok", key);
        using var refused = await api.GetAsync("/ok", key);
        using var missing = await api.GetAsync("/ok");
        using var overQuota = await api.GetAsync("/credits20", overage);

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, overQuota.StatusCode);
        var measurements = decisions.GetMeasurementSnapshot();
        Assert.Equal(4, measurements.Count);
        Assert.All(measurements, m => Assert.Equal(1, m.Value));

        Assert.Equal("admitted", Tag(measurements[0], "outcome"));
        Assert.Equal("free", Tag(measurements[0], "plan"));
        Assert.False(measurements[0].Tags.ContainsKey("reason"));

        Assert.Equal("refused", Tag(measurements[1], "outcome"));
        Assert.Equal("MinuteLimit", Tag(measurements[1], "reason"));
        Assert.Equal("free", Tag(measurements[1], "plan"));

        Assert.Equal("refused", Tag(measurements[2], "outcome"));
        Assert.Equal("KeyMissing", Tag(measurements[2], "reason"));
        Assert.Equal("anonymous", Tag(measurements[2], "plan"));

        Assert.Equal("overage", Tag(measurements[3], "outcome"));
        Assert.Equal("node", Tag(measurements[3], "plan"));
    }

    [Fact]
    public async Task Instrument_IsACounterOfRequests()
    {
        await using var api = await StartAsync(Config(NewKey(), NewKey()));
        using var decisions = Decisions(api);

        using var response = await api.GetAsync("/ok");

        Assert.NotNull(decisions.Instrument);
        Assert.IsType<Counter<long>>(decisions.Instrument);
        Assert.Equal("{request}", decisions.Instrument!.Unit);
    }

    [Fact]
    public async Task Refusal_LogsOneLineWithTheRequestIdOfItsBody_AndNeverTheKey()
    {
        string key = NewKey(), overage = NewKey();
        await using var api = await StartAsync(Config(key, overage));

        using var admitted = await api.GetAsync("/ok", key);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
        var requestId = body.GetProperty("requestId").GetString()!;
        var lines = api.Logs.GetSnapshot().Where(r => r.Category == RefusalCategory).ToList();
        var line = Assert.Single(lines);
        Assert.Contains(requestId, line.Message);
        Assert.Contains("API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", line.Message);
        Assert.Contains("free-key", line.Message);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(1, line.Id.Id);
        Assert.Equal("RequestRefused", line.Id.Name);
        Assert.DoesNotContain(api.Logs.GetSnapshot(), r => r.Message.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachRefusal_LogsItsOwnRequestId()
    {
        var presented = NewKey();
        await using var api = await StartAsync(Config(NewKey(), NewKey()));

        using var first = await api.GetAsync("/ok", presented);
        using var second = await api.GetAsync("/ok");

        var firstId = (await AssertProblemAsync(first, HttpStatusCode.Unauthorized, "API_KEY_INVALID", 1001)).GetProperty("requestId").GetString()!;
        var secondId = (await AssertProblemAsync(second, HttpStatusCode.Unauthorized, "API_KEY_MISSING", 1002)).GetProperty("requestId").GetString()!;
        Assert.NotEqual(firstId, secondId);
        var lines = api.Logs.GetSnapshot().Where(r => r.Category == RefusalCategory).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(firstId, lines[0].Message);
        Assert.Contains("API_KEY_INVALID", lines[0].Message);
        Assert.Contains(secondId, lines[1].Message);
        Assert.DoesNotContain(api.Logs.GetSnapshot(), r => r.Message.Contains(presented, StringComparison.Ordinal));
    }
}
