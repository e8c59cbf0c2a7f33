using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Proceeds.Health;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>"503: A dependency check failed (health endpoint only)".</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthy_Returns200_WithEachCheck_WithoutAKey()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/health");

        var data = await AssertDataAsync(response);
        Assert.Equal("healthy", data.GetProperty("status").GetString());
        Assert.Equal("healthy", data.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task FailedDependencyCheck_Returns503ServiceUnavailable_NamingTheCheck()
    {
        await using var api = new ProceedsFactory();
        api.Services.GetRequiredService<Database>().IsAvailable = false;

        using var response = await api.GetAsync("/health");

        var body = await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE", "A dependency check failed");
        var checks = body.GetProperty("details").GetProperty("checks");
        Assert.Equal(["database"], Names(checks));
        Assert.Equal("The database does not answer.", checks.GetProperty("database").GetString());
    }

    [Fact]
    public async Task DependencyBack_Returns200Again()
    {
        await using var api = new ProceedsFactory();
        var database = api.Services.GetRequiredService<Database>();

        database.IsAvailable = false;
        using var down = await api.GetAsync("/health");
        database.IsAvailable = true;
        using var up = await api.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        await AssertDataAsync(up);
    }

    [Fact]
    public async Task DatabaseDown_ApiEndpointsReturn500DatabaseError()
    {
        await using var api = new ProceedsFactory();
        api.Services.GetRequiredService<Database>().IsAvailable = false;

        using var response = await api.GetAsync("/v1/paywalls", OwnerKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.InternalServerError, "DATABASE_ERROR", "A database error occurred");
    }

    [Fact]
    public async Task Health_NeedsNoKey_ButABadKeyIsStillRefused()
    {
        await using var api = new ProceedsFactory();

        using var withBadKey = await api.GetAsync("/health", "prc_not_a_key");

        await AssertPlainErrorAsync(withBadKey, HttpStatusCode.Unauthorized, "INVALID_API_KEY", "Valid API key required");
    }
}
