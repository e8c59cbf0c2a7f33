using System.Net;
using System.Text.Json;
using CoinMarketCapClient;
using Xunit.Abstractions;
using CoinMarketCapApp = CoinMarketCap.CoinMarketCapApp;

namespace ErrorCatalog.Client.Tests;

/// <summary>The CoinMarketCap sample on Kestrel: its <c>status</c> envelope, on successes and errors, read through its errors.yaml.</summary>
public sealed class CoinMarketCapClientTests(ITestOutputHelper output)
{
    private const string KeyHeader = "X-CMC_PRO_API_KEY";
    private const string FreeKey = "cmc_free_demo_key_0001";
    private const string UnpaidKey = "cmc_unpaid_demo_key_0003";

    [Fact]
    public async Task SuccessEnvelope_DataIsRead_AndCreditCountExposed()
    {
        await using var api = new KestrelSample<CoinMarketCapApp>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, KeyHeader, FreeKey, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("CoinMarketCap success envelope", wire, output);

        using var response = await services.Client().GetAsync("/v1/cryptocurrency/listings/latest?limit=2");
        var envelope = await response.ReadCatalogEnvelopeAsync(ApiErrors.Catalog);
        report.Calls = 1;
        report.Write();

        Assert.Equal(JsonValueKind.Array, envelope.Data.ValueKind);
        Assert.Equal(2, envelope.Data.GetArrayLength());
        Assert.Equal(1, envelope.CreditCount);
        Assert.Equal(0, envelope.ErrorCode);
    }

    [Fact]
    public async Task PaymentRequired402_IsNotRetried_AndReadsAsItsNumericCode()
    {
        await using var api = new KestrelSample<CoinMarketCapApp>();
        var wire = new Wire();
        await using var services = Clients.Build(api.BaseAddress, KeyHeader, UnpaidKey, ApiErrors.Catalog, wire);
        var report = new ScenarioReport("CoinMarketCap 402 (never retried)", wire, output);

        using var response = await services.Client().GetAsync("/v1/cryptocurrency/listings/latest?limit=1");
        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => response.ReadCatalogEnvelopeAsync(ApiErrors.Catalog));
        report.Calls = 1;
        report.Write();

        Assert.Equal(1, wire.Calls);
        Assert.Equal(402, refused.Error.Status);
        Assert.Equal(ApiErrors.Codes.ApiKeyPlanRequiresPayement, refused.Code);
        Assert.Equal(ApiErrors.NumericCodes.ApiKeyPlanRequiresPayement, (ApiErrors.NumericCodes?)refused.Error.NumericCode);
        Assert.Equal(0, refused.Error.CreditCount);
    }
}
