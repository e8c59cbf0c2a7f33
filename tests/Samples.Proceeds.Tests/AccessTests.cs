using System.Net;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>403s of the page: INSUFFICIENT_SCOPE (scoped keys), IP_NOT_ALLOWED, FORBIDDEN (not the resource owner).</summary>
public sealed class AccessTests
{
    private const string NewPaywall = """{"slug":"weekly-digest","name":"Weekly digest","priceUsd":1.5,"wallet":"0x52908400098527886E0F7030069857D2E4169EE7"}""";

    [Fact]
    public async Task ReadOnlyKey_CreatingAPaywall_Returns403InsufficientScope()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", ReadOnlyKey, NewPaywall);

        await AssertPlainErrorAsync(response, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE", "This API key lacks the required scope: paywalls:write");
    }

    [Fact]
    public async Task ReadOnlyKey_ReadingPaywalls_IsAdmitted()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", ReadOnlyKey);

        var data = await AssertDataAsync(response);
        Assert.Equal(1, data.GetArrayLength());
    }

    [Fact]
    public async Task ScopeIsCheckedBeforeTheBody_AnInvalidBodyFromAReadOnlyKeyIs403()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.PostAsync("/v1/paywalls", ReadOnlyKey, "{}");

        await AssertPlainErrorAsync(response, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE", "This API key lacks the required scope: paywalls:write");
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("192.168.1.20")]
    [InlineData(null)]
    public async Task OfficeKey_FromOutsideItsAllowList_Returns403IpNotAllowed(string? ip)
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", OfficeKey, ip);

        await AssertPlainErrorAsync(response, HttpStatusCode.Forbidden, "IP_NOT_ALLOWED", "Requests from this IP address are not allowed for this API key");
    }

    [Fact]
    public async Task OfficeKey_FromItsNetwork_IsAdmitted()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls", OfficeKey, "10.20.30.40");

        await AssertDataAsync(response);
    }

    [Fact]
    public async Task AnotherAccountsPaywall_Returns403Forbidden()
    {
        await using var api = new ProceedsFactory();

        using var response = await api.GetAsync("/v1/paywalls/pw_globex_feed", OwnerKey);
        using var owner = await api.GetAsync("/v1/paywalls/pw_globex_feed", GlobexKey);

        await AssertPlainErrorAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", "You are not the owner of this resource");
        var data = await AssertDataAsync(owner);
        Assert.Equal("price-feed", data.GetProperty("slug").GetString());
    }
}
