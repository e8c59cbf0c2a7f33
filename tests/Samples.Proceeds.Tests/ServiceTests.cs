using System.Net;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>"BETA_LIMIT_SERVICES 403" and "INVALID_SERVICE 400": services up to the beta's limit, paywalls in one.</summary>
public sealed class ServiceTests
{
    private const string Paywall = """{"slug":"in-a-service","name":"x","priceUsd":1,"wallet":"0x52908400098527886E0F7030069857D2E4169EE7","serviceId":"SERVICE"}""";

    [Fact]
    public async Task CreatingServicesPastTheBetaLimit_Returns403BetaLimitServices()
    {
        await using var api = new ProceedsFactory();

        // acme has one seeded service: two more reach the beta's 3.
        using var second = await api.PostAsync("/v1/services", OwnerKey, """{"name":"Feeds"}""");
        using var third = await api.PostAsync("/v1/services", OwnerKey, """{"name":"Alerts"}""");
        using var fourth = await api.PostAsync("/v1/services", OwnerKey, """{"name":"One too many"}""");
        using var globex = await api.PostAsync("/v1/services", GlobexKey, """{"name":"Feeds"}""");

        var created = await AssertDataAsync(second, HttpStatusCode.Created);
        Assert.Equal(["id", "name", "createdAt"], Names(created));
        await AssertDataAsync(third, HttpStatusCode.Created);
        await AssertPlainErrorAsync(fourth, HttpStatusCode.Forbidden, "BETA_LIMIT_SERVICES", "The beta allows at most 3 services per account");
        await AssertDataAsync(globex, HttpStatusCode.Created);
    }

    [Fact]
    public async Task PaywallInAnotherAccountsOrAnUnknownService_Returns400InvalidService()
    {
        await using var api = new ProceedsFactory();

        using var unknown = await api.PostAsync("/v1/paywalls", OwnerKey, Paywall.Replace("SERVICE", "svc_nope", StringComparison.Ordinal));
        using var notMine = await api.PostAsync("/v1/paywalls", GlobexKey, Paywall.Replace("SERVICE", "svc_acme_reports", StringComparison.Ordinal));
        using var mine = await api.PostAsync("/v1/paywalls", OwnerKey, Paywall.Replace("SERVICE", "svc_acme_reports", StringComparison.Ordinal));

        await AssertPlainErrorAsync(unknown, HttpStatusCode.BadRequest, "INVALID_SERVICE", "Not a service of this account: svc_nope");
        await AssertPlainErrorAsync(notMine, HttpStatusCode.BadRequest, "INVALID_SERVICE", "Not a service of this account: svc_acme_reports");
        var paywall = await AssertDataAsync(mine, HttpStatusCode.Created);
        Assert.Equal("svc_acme_reports", paywall.GetProperty("serviceId").GetString());
    }
}
