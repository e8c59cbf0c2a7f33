using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Proceeds.Health;
using Proceeds.Paywalls;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>"INTERNAL_ERROR 500" and "DATABASE_ERROR 500" in the page's shape.</summary>
public sealed class ServerErrorTests
{
    [Fact]
    public async Task UnhandledException_Returns500InternalError()
    {
        // A paywall store that cannot be built: the endpoint throws while resolving it.
        await using var api = new ProceedsFactory(services: static services =>
        {
            services.RemoveAll<PaywallStore>();
            services.AddSingleton<PaywallStore>(static _ => throw new InvalidOperationException("The paywall store is misconfigured (test)."));
        });

        using var response = await api.GetAsync("/v1/paywalls", OwnerKey);

        var body = await AssertPlainErrorAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "Internal server error");
        Assert.DoesNotContain("misconfigured", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatabaseDown_KeyLookupReturns500DatabaseError_OnEveryKeyedEndpoint_UntilItIsBack()
    {
        await using var api = new ProceedsFactory();
        var database = api.Services.GetRequiredService<Database>();

        database.IsAvailable = false;
        using var revoke = await api.SendAsync(HttpMethod.Delete, "/v1/keys/acme-readonly", OwnerKey);
        using var services = await api.PostAsync("/v1/services", OwnerKey, """{"name":"Feeds"}""");
        database.IsAvailable = true;
        using var back = await api.GetAsync("/v1/paywalls", OwnerKey);

        await AssertPlainErrorAsync(revoke, HttpStatusCode.InternalServerError, "DATABASE_ERROR", "A database error occurred");
        await AssertPlainErrorAsync(services, HttpStatusCode.InternalServerError, "DATABASE_ERROR", "A database error occurred");
        await AssertDataAsync(back);
    }
}
