using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// One 429 written as a whole response (status, Retry-After, Content-Type, Content-Length, body) in each body
/// shape of the default catalog. Baseline: the same answer as ProblemDetails through the framework's
/// <see cref="IProblemDetailsService"/> (what an <c>OnRejected</c> handler would call).
/// </summary>
[MemoryDiagnoser]
public class CatalogWriterBenchmarks
{
    private static readonly ErrorContext Request = new()
    {
        RequestId = "0HNBENCH0000:00000001",
        Instance = "/v1/quotes/latest",
        Timestamp = Apps.Start,
        ElapsedMilliseconds = 3,
        CreditCount = 0,
        Plan = "pro",
    };

    private ServiceProvider _services = null!;
    private IProblemDetailsService _problems = null!;
    private BenchRequest _request = null!;
    private RequestDelegate _problemDetails = null!;
    private RequestDelegate _problem = null!;
    private RequestDelegate _status = null!;
    private RequestDelegate _flat = null!;
    private RequestDelegate _envelope = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        _problems = _services.GetRequiredService<IProblemDetailsService>();
        _request = new BenchRequest("/v1/quotes/latest", Apps.ProKey).WithServices(_services);
        _problemDetails = WriteProblemDetails;
        _problem = Writer(null);
        _status = Writer(ApiErrors.Catalog.GetShape("status"));
        _flat = Writer(ApiErrors.Catalog.GetShape("flat"));
        _envelope = Writer(ApiErrors.Catalog.GetShape("envelope"));
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Built-in: IProblemDetailsService ProblemDetails + Retry-After")]
    public int ProblemDetailsService()
    {
        _request.Run(_problemDetails);
        return _request.Body.Length;
    }

    [Benchmark(Description = "Catalog: problem (RFC 9457)")]
    public int Problem() => Write(_problem);

    [Benchmark(Description = "Catalog: status shape")]
    public int Status() => Write(_status);

    [Benchmark(Description = "Catalog: flat shape")]
    public int Flat() => Write(_flat);

    [Benchmark(Description = "Catalog: envelope shape")]
    public int Envelope() => Write(_envelope);

    private int Write(RequestDelegate writer)
    {
        _request.Run(writer);
        return _request.Body.Length;
    }

    /// <summary>A delegate per shape, made once (a lambda per call would be a closure per call).</summary>
    private static RequestDelegate Writer(BodyShape? shape) => context =>
    {
        var error = ApiErrors.RateLimitExceeded(61, 60, TimeSpan.FromSeconds(30), "60 req/minute", "https://example.com/pricing");
        return ApiErrorWriter.WriteAsync(context.Response, error, Request, shape).AsTask();
    };

    private Task WriteProblemDetails(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = 30.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Rate limit exceeded",
                Detail = "You have used 61/60 requests this minute",
                Type = "/errors/rate-limits",
                Instance = context.Request.Path,
                Extensions =
                {
                    ["code"] = "rate_limit_exceeded",
                    ["requestId"] = context.TraceIdentifier,
                    ["retryAfter"] = 30,
                    ["tierLimit"] = "60 req/minute",
                },
            },
        }).AsTask();
    }
}
