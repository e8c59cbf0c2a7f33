using System.Net;
using System.Text.Json;
using ErrorCatalog.Middleware;
using ErrorCatalog.Testing;
using FxRates;
using Microsoft.Extensions.DependencyInjection;
using static Samples.FxRates.Tests.FxRatesHost;

namespace Samples.FxRates.Tests;

/// <summary>
/// The sample without <c>o.Catalog</c>: its own generated catalog is found in its assembly (the one
/// <c>WebApplicationFactory</c> names as the application), not the library's defaults.
/// </summary>
public sealed class DiscoveredCatalogTests
{
    [Fact]
    public async Task CatalogLeftUnset_TheSamplesOwnCatalogAnswers()
    {
        await using var api = new SampleHost<FxRatesApp>(DefaultStart, services: s => s.Configure<ApiErrorCatalogOptions>(o => o.Catalog = null));

        using var missing = await api.RequestAsync(HttpMethod.Get, "/v1/rates/live?pair=EURUSD");
        for (var i = 0; i < 10; i++)
        {
            using var admitted = await api.RequestAsync(HttpMethod.Get, "/v1/rates/live?pair=EURUSD", headers: ("X-API-Key", FreeKey));
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var refused = await api.RequestAsync(HttpMethod.Get, "/v1/rates/live?pair=EURUSD", headers: ("X-API-Key", FreeKey));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("missing_api_key", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }
}
