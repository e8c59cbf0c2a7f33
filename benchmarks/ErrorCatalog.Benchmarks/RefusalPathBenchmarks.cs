using BenchmarkDotNet.Attributes;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// Each refusal the catalog makes, one request per operation, with its whole answer: status, rate-limit headers,
/// Retry-After, Content-Type, Content-Length and the catalog body (RFC 9457 problem) in the response pipe.
/// Baseline: the built-in <c>UseRateLimiter</c> rejecting, and its <c>OnRejected</c> writing ProblemDetails
/// through <see cref="IProblemDetailsService"/> with Retry-After.
/// </summary>
[MemoryDiagnoser]
public class RefusalPathBenchmarks
{
    private static readonly TaskCompletionSource Held = new();

    private RequestDelegate _bare = null!;
    private BenchRequest _bareRequest = null!;
    private RequestDelegate _builtIn = null!;
    private BenchRequest _builtInRequest = null!;
    private CatalogApp _catalog = null!;
    private BenchRequest _invalid = null!;
    private BenchRequest _plan = null!;
    private BenchRequest _minute = null!;
    private BenchRequest _month = null!;
    private CatalogApp _concurrencyApp = null!;
    private BenchRequest _concurrency = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = Apps.Bare429;
        _bareRequest = new BenchRequest("/v1/quotes/latest", Apps.ProKey);

        var (services, pipeline) = Apps.BuiltIn();
        _builtIn = pipeline;
        _builtInRequest = new BenchRequest("/v1/quotes/latest", "refuse_bench_key_0001").WithServices(services);
        _builtInRequest.Expect(_builtIn, 200); // uses the hour's one permit

        _catalog = Apps.Catalog("XRateLimit");
        _invalid = new BenchRequest("/v1/quotes/latest", Apps.UnknownKey).WithServices(_catalog.Services);
        _plan = new BenchRequest("/v1/quotes/spread", Apps.ProKey, new RequirePlanAttribute("enterprise")).WithServices(_catalog.Services);
        _minute = new BenchRequest("/v1/quotes/latest", Apps.MinuteKey).WithServices(_catalog.Services);
        _month = new BenchRequest("/v1/quotes/latest", Apps.MonthKey).WithServices(_catalog.Services);

        // Concurrency: one request of the key stays in flight (its endpoint never completes), so every other is refused.
        _concurrencyApp = Apps.Catalog("XRateLimit", static context =>
            context.Request.Path == "/hold" ? Held.Task : Apps.Endpoint(context));
        var hold = new BenchRequest("/hold", Apps.ConcurrencyKey).WithServices(_concurrencyApp.Services);
        _ = _concurrencyApp.Pipeline(hold.Context);
        _concurrency = new BenchRequest("/v1/quotes/latest", Apps.ConcurrencyKey).WithServices(_concurrencyApp.Services);

        _bareRequest.Expect(_bare, 429);
        _builtInRequest.Expect(_builtIn, 429);
        _invalid.Expect(_catalog.Pipeline, 401);
        _plan.Expect(_catalog.Pipeline, 403);
        _minute.Expect(_catalog.Pipeline, 429);
        _month.Expect(_catalog.Pipeline, 429);
        _concurrency.Expect(_concurrencyApp.Pipeline, 429);
        Warm.IntegerTable();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalog.Services.Dispose();
        _concurrencyApp.Services.Dispose();
    }

    /// <summary>An endpoint that answers a bare 429 (no body, no headers): what the refusals are measured over.</summary>
    [Benchmark(Description = "Bare 429 (no body)")]
    public int Bare429() => _bareRequest.Run(_bare);

    [Benchmark(Baseline = true, Description = "Built-in: rejected + OnRejected ProblemDetails")]
    public int BuiltIn() => _builtInRequest.Run(_builtIn);

    [Benchmark(Description = "Catalog 401 key invalid")]
    public int KeyInvalid() => _invalid.Run(_catalog.Pipeline);

    [Benchmark(Description = "Catalog 403 plan not authorized")]
    public int PlanNotAuthorized() => _plan.Run(_catalog.Pipeline);

    [Benchmark(Description = "Catalog 429 minute limit")]
    public int MinuteLimit() => _minute.Run(_catalog.Pipeline);

    [Benchmark(Description = "Catalog 429 monthly quota")]
    public int MonthlyQuota() => _month.Run(_catalog.Pipeline);

    [Benchmark(Description = "Catalog 429 concurrency")]
    public int Concurrency() => _concurrency.Run(_concurrencyApp.Pipeline);
}
