using System.Globalization;
using BenchmarkDotNet.Attributes;
using ErrorCatalog.Middleware;
using ErrorCatalog.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// The rate-limit headers of one decision (minute + month + credits + concurrency), values changing on every
/// call as they do request after request: the minute's remaining count walks down 49,999..0, the credits used
/// walk up. Baseline: what a hand-written header writer beside the built-in limiter does (ToString per value).
/// </summary>
[MemoryDiagnoser]
public class HeaderFormattingBenchmarks
{
    private readonly FakeHeaderDictionary _headers = new();
    private CatalogApp _app = null!;
    private CounterBatch _batch = null!;
    private ResolvedKey _key = null!;
    private RateLimitHeaderWriter _xRateLimit = null!;
    private RateLimitHeaderWriter _ietf = null!;
    private RateLimitHeaderWriter _units = null!;
    private RateLimitHeaderWriter _all = null!;
    private int _call;

    [GlobalSetup]
    public void Setup()
    {
        _app = Apps.Catalog("XRateLimit");
        var services = _app.Services;
        _key = services.GetRequiredService<KeyResolver>().FindAsync(ApiKeyHash.Compute(Apps.ProKey), default).Result!;
        var counters = services.GetRequiredService<ICounterStore>();
        _batch = counters.CreateBatch();
        _batch.Now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var request = new BenchRequest("/v1/quotes/latest", Apps.ProKey).WithServices(services);
        services.GetRequiredService<RequestLimits>().Fill(_batch, request.Context, _key, 5);
        if (!counters.AcquireAsync(_batch).Result)
        {
            throw new InvalidOperationException("The setup batch was refused.");
        }

        _xRateLimit = new RateLimitHeaderWriter(RateLimitHeaderProfiles.XRateLimit);
        _ietf = new RateLimitHeaderWriter(RateLimitHeaderProfiles.Ietf);
        _units = new RateLimitHeaderWriter(RateLimitHeaderProfiles.UnitsLimit);
        _all = new RateLimitHeaderWriter(RateLimitHeaderProfiles.XRateLimit | RateLimitHeaderProfiles.Ietf | RateLimitHeaderProfiles.UnitsLimit);
        Warm.IntegerTable();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Services.Dispose();

    [Benchmark(Baseline = true, Description = "Hand-written: X-RateLimit-* with ToString()")]
    public int HandWritten()
    {
        Next();
        ref var item = ref _batch[0];
        _headers["X-RateLimit-Limit"] = item.Entry.Limit.PermitLimit.ToString(CultureInfo.InvariantCulture);
        _headers["X-RateLimit-Remaining"] = item.Remaining.ToString(CultureInfo.InvariantCulture);
        _headers["X-RateLimit-Reset"] = item.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _headers.Count;
    }

    [Benchmark(Description = "Catalog: X-RateLimit-*")]
    public int XRateLimit() => Write(_xRateLimit);

    [Benchmark(Description = "Catalog: RateLimit-Policy + RateLimit (IETF)")]
    public int Ietf() => Write(_ietf);

    [Benchmark(Description = "Catalog: X-UnitsLimit-*")]
    public int UnitsLimit() => Write(_units);

    [Benchmark(Description = "Catalog: all three profiles")]
    public int AllProfiles() => Write(_all);

    private int Write(RateLimitHeaderWriter writer)
    {
        Next();
        writer.Write(_headers, _batch, _key);
        return _headers.Count;
    }

    /// <summary>The next request's values: one more request on the minute, five more credits.</summary>
    private void Next()
    {
        _headers.Reset();
        var n = _call++ % 50_000;
        _batch[0].Remaining = Apps.MinutePermit - 1 - n;
        _batch[0].Used = n + 1;
        for (var i = 1; i < _batch.Count; i++)
        {
            ref var item = ref _batch[i];
            if (item.Entry.Limit.Kind == LimitKind.Credits)
            {
                item.Used = 5L * (n + 1);
                item.Remaining = item.Entry.Limit.PermitLimit - item.Used;
            }
        }
    }
}
