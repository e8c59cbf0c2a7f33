using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using ErrorCatalog.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>A refusal responder and a request's state built by hand, as the services would, for tests of the responder alone.</summary>
internal static class HandBuiltRefusals
{
    /// <param name="catalog">The catalog answering refusals.</param>
    /// <param name="now">The responder's clock.</param>
    /// <param name="complete">Whether the catalog must answer every refusal (a partial one answers what it declares).</param>
    public static RefusalResponder Responder(ApiErrorCatalog catalog, DateTimeOffset now, bool complete = true)
    {
        var errors = new List<string>();
        var refusals = new RefusalMap(catalog, "ApiErrorCatalog", errors, storeCanFail: true);
        if (complete)
        {
            Assert.Empty(errors);
        }

        return new RefusalResponder(
            refusals,
            new RateLimitHeaderWriter(RateLimitHeaderProfiles.XRateLimit),
            new ApiErrorCatalogMetrics(new TestMeterFactory()),
            NullLogger<RefusalResponder>.Instance,
            new FakeTimeProvider(now),
            upgradeUrl: "https://example.com/upgrade",
            keyHeaderName: "X-API-Key",
            new ApiKeyChallenge(new ApiKeyReadingOptions()));
    }

    /// <summary>The limits requests are charged from <paramref name="book"/>, as the services build them.</summary>
    public static RequestLimits Limits(PlanBook book, ApiErrorCatalog catalog) => new(new RunningOptions(new CompiledOptions(
        catalog, book, new RefusalMap(catalog, "ApiErrorCatalog", [], storeCanFail: true), FrozenDictionary<ApiKeyHash, ResolvedKey>.Empty)));

    public static RequestState State(DateTimeOffset now) =>
        new(new RateLimitHeaderWriter(RateLimitHeaderProfiles.XRateLimit), new InMemoryCounterStore(new FakeTimeProvider(now), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1)).CreateBatch());

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
