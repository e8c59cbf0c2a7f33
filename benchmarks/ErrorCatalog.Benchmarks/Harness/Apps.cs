using System.Text;
using System.Threading.RateLimiting;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Benchmarks;

/// <summary>The three pipelines every benchmark class compares: the endpoint alone, the built-in limiter, this library.</summary>
internal static class Apps
{
    /// <summary>
    /// A fixed start for the catalog's clock: mid-month, mid-minute, so Retry-After of the monthly quota is large
    /// (about 1.3 million seconds, beyond the 0..65535 integer table).
    /// </summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 15, 12, 0, 30, TimeSpan.Zero);

    public const string ProKey = "bench_pro_key_0001";
    public const string MinuteKey = "bench_minute_key_0001";
    public const string MonthKey = "bench_month_key_0001";
    public const string ConcurrencyKey = "bench_concurrency_key_0001";
    public const string LargeKey = "bench_large_key_0001";
    public const string UnknownKey = "bench_unknown_key_0001";

    /// <summary>The accept path's plan is the tightest at <see cref="MinutePermit"/> a minute.</summary>
    public const long MinutePermit = 50_000;

    /// <summary>
    /// Plans for every path: "pro" (minute + month + credits + concurrency, the accept path), "minute" and "month"
    /// (nothing left: refused), "single" (one request in flight), "large" (a 10^12 minute limit: remaining counts
    /// far from both zero and the limit, the one case that still formats a string per request).
    /// </summary>
    public static string CatalogConfig(string headers) => $$"""
        {
          "Headers": "{{headers}}",
          "UpgradeUrl": "https://example.com/pricing",
          "Plans": {
            "pro": {
              "Limits": {
                "minute": { "PermitLimit": {{MinutePermit}}, "Window": "minute" },
                "month": { "PermitLimit": 1000000000000, "Window": "month" },
                "credits": { "Kind": "Credits", "PermitLimit": 1000000000000, "Window": "day" },
                "concurrency": { "Kind": "Concurrency", "PermitLimit": 10 }
              }
            },
            "minute": { "Limits": { "minute": { "PermitLimit": 0, "Window": "minute" } } },
            "month": { "Limits": { "month": { "PermitLimit": 0, "Window": "month" } } },
            "single": { "Limits": { "concurrency": { "Kind": "Concurrency", "PermitLimit": 1 } } },
            "large": {
              "Limits": {
                "minute": { "PermitLimit": 1000000000000, "Window": "minute" },
                "concurrency": { "Kind": "Concurrency", "PermitLimit": 10 }
              }
            }
          },
          "ApiKeys": [
            { "Id": "pro", "Hash": "{{ApiKeyHash.Compute(ProKey)}}", "Plan": "pro" },
            { "Id": "minute", "Hash": "{{ApiKeyHash.Compute(MinuteKey)}}", "Plan": "minute" },
            { "Id": "month", "Hash": "{{ApiKeyHash.Compute(MonthKey)}}", "Plan": "month" },
            { "Id": "single", "Hash": "{{ApiKeyHash.Compute(ConcurrencyKey)}}", "Plan": "single" },
            { "Id": "large", "Hash": "{{ApiKeyHash.Compute(LargeKey)}}", "Plan": "large" }
          ]
        }
        """;

    /// <summary>The endpoint every pipeline ends in: a status, no body.</summary>
    public static Task Endpoint(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    /// <summary>A bare 429: what an endpoint that refuses by hand costs.</summary>
    public static Task Bare429(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>UseApiErrorCatalog</c> as an app builds it, with a clock moved by hand (see <see cref="CatalogApp.Time"/>) and
    /// logging off (the refusal log line is Information).
    /// </summary>
    public static CatalogApp Catalog(string headers = "XRateLimit", RequestDelegate? endpoint = null, bool metered = false)
    {
        var services = new ServiceCollection().AddLogging();
        var time = new BenchClock(Start);
        services.AddSingleton<TimeProvider>(time);
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(CatalogConfig(headers))))
            .Build();
        services.AddApiErrorCatalog(configuration);
        if (metered)
        {
            services.AddApiUsageMeter(static _ => new DiscardingUsageMeter());
        }

        var provider = services.BuildServiceProvider();
        var app = new ApplicationBuilder(provider);
        app.UseApiErrorCatalog();
        app.Run(endpoint ?? Endpoint);
        return new CatalogApp(provider, app.Build(), time);
    }

    /// <summary>
    /// The built-in equivalent: <c>UseRateLimiter</c> with a global <see cref="PartitionedRateLimiter"/> of one fixed
    /// window per <c>X-API-Key</c>, and an <c>OnRejected</c> that writes <see cref="IProblemDetailsService"/>
    /// ProblemDetails with <c>Retry-After</c>. Keys starting "refuse" get one permit an hour (used up in setup).
    /// </summary>
    public static (IServiceProvider Services, RequestDelegate Pipeline) BuiltIn(RequestDelegate? endpoint = null)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(static context =>
            {
                var key = context.Request.Headers["X-API-Key"].ToString();
                var refuse = key.StartsWith("refuse", StringComparison.Ordinal);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = refuse ? 1 : int.MaxValue,
                    Window = refuse ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = ErrorCatalog.Benchmarks.Shared.BuiltInRejection.WriteAsync;
        });
        var provider = services.BuildServiceProvider();
        var app = new ApplicationBuilder(provider);
        app.UseRateLimiter();
        app.Run(endpoint ?? Endpoint);
        return (provider, app.Build());
    }

    /// <summary>Request services for a context (the built-in middleware and ProblemDetails resolve from them).</summary>
    public static BenchRequest WithServices(this BenchRequest request, IServiceProvider services)
    {
        request.Context.RequestServices = services;
        return request;
    }
}

/// <summary>The catalog pipeline, its services and its clock.</summary>
internal sealed class CatalogApp(ServiceProvider services, RequestDelegate pipeline, BenchClock time)
{
    private int _sinceRoll;

    public ServiceProvider Services { get; } = services;

    public RequestDelegate Pipeline { get; } = pipeline;

    /// <summary>
    /// The catalog's clock. A benchmark sends millions of requests with one key; a real key of the "pro" plan
    /// sends at most <see cref="Apps.MinutePermit"/> a minute. <see cref="Tick"/> moves the clock a minute on every
    /// 40,000 requests, so the accept path runs as such a key does, window after window, instead of refusing.
    /// </summary>
    public BenchClock Time { get; } = time;

    public void Tick()
    {
        if (++_sinceRoll == 40_000)
        {
            _sinceRoll = 0;
            Time.Advance(TimeSpan.FromMinutes(1));
        }
    }
}
