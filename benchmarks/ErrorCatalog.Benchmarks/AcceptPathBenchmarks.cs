using BenchmarkDotNet.Attributes;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// The whole decision of an admitted request, one request per operation: key lookup (header, SHA-256, lookup),
/// minute + month + credits + concurrency decided together, the three X-RateLimit headers, the endpoint, the
/// concurrency lease released. Baseline: the built-in <c>UseRateLimiter</c> with a fixed window per <c>X-API-Key</c>.
/// </summary>
[MemoryDiagnoser]
public class AcceptPathBenchmarks
{
    private RequestDelegate _plain = null!;
    private BenchRequest _plainRequest = null!;
    private RequestDelegate _builtIn = null!;
    private BenchRequest _builtInRequest = null!;
    private CatalogApp _catalog = null!;
    private BenchRequest _catalogRequest = null!;
    private CatalogApp _allProfiles = null!;
    private BenchRequest _allProfilesRequest = null!;
    private CatalogApp _large = null!;
    private BenchRequest _largeRequest = null!;
    private CatalogApp _metered = null!;
    private BenchRequest _meteredRequest = null!;
    private UsageMeterQueue _meterQueue = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain = Apps.Endpoint;
        _plainRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey);

        var (services, pipeline) = Apps.BuiltIn();
        _builtIn = pipeline;
        _builtInRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey).WithServices(services);

        _catalog = Apps.Catalog("XRateLimit");
        _catalogRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey, new CreditsAttribute(5)).WithServices(_catalog.Services);

        _allProfiles = Apps.Catalog("XRateLimit, Ietf, UnitsLimit");
        _allProfilesRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey, new CreditsAttribute(5)).WithServices(_allProfiles.Services);

        _large = Apps.Catalog("XRateLimit");
        _largeRequest = new BenchRequest("/v1/quotes/latest", Apps.LargeKey).WithServices(_large.Services);

        _metered = Apps.Catalog("XRateLimit", metered: true);
        _meteredRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey, new CreditsAttribute(5)).WithServices(_metered.Services);
        _meterQueue = _metered.Services.GetRequiredService<UsageMeterQueue>();

        _plainRequest.Expect(_plain, 200);
        _builtInRequest.Expect(_builtIn, 200);
        _catalogRequest.Expect(_catalog.Pipeline, 200);
        _allProfilesRequest.Expect(_allProfiles.Pipeline, 200);
        _largeRequest.Expect(_large.Pipeline, 200);
        _meteredRequest.Expect(_metered.Pipeline, 200);
        _meterQueue.Reader.TryRead(out _);
        Warm.IntegerTable();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalog.Services.Dispose();
        _allProfiles.Services.Dispose();
        _large.Services.Dispose();
        _metered.Services.Dispose();
    }

    /// <summary>The endpoint alone: what the limits are measured over.</summary>
    [Benchmark(Description = "Plain endpoint (no limits)")]
    public int Plain() => _plainRequest.Run(_plain);

    [Benchmark(Baseline = true, Description = "Built-in: UseRateLimiter, fixed window per X-API-Key")]
    public int BuiltIn() => _builtInRequest.Run(_builtIn);

    [Benchmark(Description = "Catalog: key + minute/month/credits/concurrency + X-RateLimit-*")]
    public int Catalog()
    {
        _catalog.Tick();
        return _catalogRequest.Run(_catalog.Pipeline);
    }

    [Benchmark(Description = "Catalog: same, headers XRateLimit + Ietf + UnitsLimit")]
    public int CatalogAllProfiles()
    {
        _allProfiles.Tick();
        return _allProfilesRequest.Run(_allProfiles.Pipeline);
    }

    /// <summary>
    /// With a usage meter: the admitted request's record is queued, and read back here (no host runs the delivery
    /// loop), so the queue stays short as a draining loop keeps it.
    /// </summary>
    [Benchmark(Description = "Catalog: same as Catalog, with a usage meter (record queued and read)")]
    public int CatalogMetered()
    {
        _metered.Tick();
        var status = _meteredRequest.Run(_metered.Pipeline);
        _meterQueue.Reader.TryRead(out _);
        return status;
    }

    /// <summary>
    /// One key sending millions of requests in one window of a 10^12 limit: its remaining count is neither near
    /// zero nor near the limit, so X-RateLimit-Remaining is a new string per request (the documented residue).
    /// </summary>
    [Benchmark(Description = "Catalog: 10^12 limit, remaining far from 0 and limit")]
    public int CatalogLargeRemaining() => _largeRequest.Run(_large.Pipeline);
}
