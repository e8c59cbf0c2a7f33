using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>The counter store's health check (<c>AddHealthChecks().AddApiErrorCatalog()</c>) with counters in memory.</summary>
public sealed class CounterStoreHealthCheckTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 10, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
          }
        }
        """;

    [Fact]
    public async Task MemoryStore_HealthEndpointWithoutKey_IsHealthy_CountingInMemory()
    {
        // Arrange
        await using var api = await StartAsync(
            Config(NewKey()),
            map: static app => app.MapHealthChecks("/health"),
            configure: static builder => builder.Services.AddHealthChecks().AddApiErrorCatalog());

        // Act
        using var response = await api.GetAsync("/health");
        var entry = (await api.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["errorcatalog"];

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("counting in memory", entry.Description);
        Assert.Equal("memory", entry.Data["store"]);
    }

    [Fact]
    public async Task Registration_TakesNameTagsAndTimeout_AsTheFrameworksOwnChecksDo()
    {
        // Arrange: only checks tagged "ready" answer /ready.
        await using var api = await StartAsync(
            Config(NewKey()),
            map: static app => app.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = static r => r.Tags.Contains("ready") }),
            configure: static builder => builder.Services.AddHealthChecks()
                .AddApiErrorCatalog("limits", HealthStatus.Degraded, ["ready"], TimeSpan.FromSeconds(5))
                .AddCheck("untagged", static () => HealthCheckResult.Unhealthy()));

        // Act
        using var ready = await api.GetAsync("/ready");
        var registration = Assert.Single(
            api.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "limits");

        // Assert
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HealthStatus.Degraded, registration.FailureStatus);
        Assert.Equal(["ready"], registration.Tags);
        Assert.Equal(TimeSpan.FromSeconds(5), registration.Timeout);
    }

    [Fact]
    public async Task WithoutTheApiLimits_TheCheckThrows_SayingWhatToCall()
    {
        // Arrange
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().AddApiErrorCatalog().Services.BuildServiceProvider();

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<HealthCheckService>().CheckHealthAsync());

        // Assert
        Assert.Contains("services.AddApiErrorCatalog(...)", ex.Message);
    }
}
