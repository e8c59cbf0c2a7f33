using Microsoft.Extensions.Primitives;
using System.Globalization;
using System.Threading.RateLimiting;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.RateLimiting;

// One app, three modes with the same endpoints, for benchmarks/load/run.sh:
//   plain    GET /accept answers 200 "ok"; GET /refuse answers a bare 429 (no body).
//   builtin  UseRateLimiter: a global PartitionedRateLimiter, one fixed window per X-API-Key (1,000,000 a minute;
//            keys starting "load_refuse" one an hour), OnRejected writing IProblemDetailsService ProblemDetails with
//            Retry-After. /accept and /refuse are the plain 200 endpoint.
//   catalog  UseApiErrorCatalog: keys load_key_0001..0064 on a plan of minute (1,000,000) + month + credits +
//            concurrency with X-RateLimit-* headers; load_refuse_key on a plan whose minute limit is 0 (429 from the
//            catalog, RFC 9457 body with requestId, Retry-After, X-RateLimit-*). /accept and /refuse as in builtin.
// GET /_diag (answered before any limiter, not counted) returns "<GC.GetTotalAllocatedBytes(true)> <requests>".
// GET /_alloc (with --alloc-sample) lists the types allocated, by share of the runtime's allocation samples.
// The Redis modes (catalog-redis, ...) are described in RedisModes.cs.
// Usage: LoadApps <mode> [--logging] [--alloc-sample] [--redis host:port] [--keys N (default 64)]
// (listens on a free port of 127.0.0.1, prints it)
var mode = args.Length > 0 ? args[0] : "plain";
var redis = Option("--redis");
LoadConfig.Keys = Option("--keys") is { } keys ? int.Parse(keys, CultureInfo.InvariantCulture) : LoadConfig.Keys;
var logging = args.Contains("--logging");
using var sampler = args.Contains("--alloc-sample") ? new AllocationSampler() : null;

var builder = WebApplication.CreateBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.ClearProviders();
if (logging)
{
    // As a production app runs: console logging at Warning (the hosting layer then opens a log scope per request,
    // which reads HttpContext.TraceIdentifier on every request).
    builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
}

switch (mode)
{
    case "plain":
        break;
    case "builtin":
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(static context =>
            {
                var key = context.Request.Headers["X-API-Key"].ToString();
                if (key.Length == 0)
                {
                    return RateLimitPartition.GetNoLimiter(key);
                }

                var refuse = key.StartsWith("load_refuse", StringComparison.Ordinal);
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = refuse ? 1 : LoadConfig.MinutePermit,
                    Window = refuse ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = ErrorCatalog.Benchmarks.Shared.BuiltInRejection.WriteAsync;
        });
        break;
    case "catalog":
        builder.Services.AddApiErrorCatalog(LoadConfig.Catalog);
        break;
    default:
        if (!RedisModes.TryConfigure(builder, mode, redis))
        {
            Console.Error.WriteLine($"Unknown mode '{mode}': plain, builtin, catalog, catalog-redis, catalog-memory, catalog-redis-one, catalog-redis-kinds, redis-ratelimiting, redis-floor, shared-reply-floor, counter-floor or hop-floor.");
            return 2;
        }

        break;
}

var app = builder.Build();
var requests = 0L;

// Outermost: counts requests and answers the diagnostics endpoint (excluded from the count and from every limit).
app.Use((context, next) =>
{
    if (context.Request.Path.StartsWithSegments("/_diag"))
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var text = string.Create(CultureInfo.InvariantCulture, $"{allocated} {Interlocked.Read(ref requests)}\n");
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text);
    }

    if (sampler is not null && context.Request.Path.StartsWithSegments("/_alloc"))
    {
        var report = sampler.Report();
        if (context.Request.Query.ContainsKey("reset"))
        {
            sampler.Reset();
        }

        return context.Response.WriteAsync(report);
    }

    Interlocked.Increment(ref requests);
    return next(context);
});

if (mode is "builtin" or "redis-ratelimiting")
{
    app.UseRateLimiter();
}
else if (mode is "redis-floor")
{
    RedisModes.UseRedisFloor(app);
}
else if (mode is "hop-floor")
{
    // No limits and no Redis: each request waits once for a continuation on the thread pool, as a request waiting
    // for a shared reply must, so this is the floor of any store whose requests wait for Redis.
    app.Use(static async (context, next) =>
    {
        await Task.Yield();
        await next(context);
    });
}
else if (mode is "shared-reply-floor" or "counter-floor")
{
    RedisModes.UseSharedReplyFloor(app, counters: mode is "counter-floor");
}
else if (mode is "catalog" or "catalog-redis" or "catalog-memory" or "catalog-redis-one" or "catalog-redis-kinds")
{
    app.UseApiErrorCatalog();
}

app.MapGet("/accept", Endpoints.Ok);
app.MapGet("/refuse", mode == "plain" ? Endpoints.Bare429 : Endpoints.Ok);
if (mode == "plain")
{
    // The catalog's responses as constants: what sending the same headers and body costs Kestrel, with no decision.
    app.MapGet("/accept-static", Endpoints.OkWithStaticHeaders);
    app.MapGet("/refuse-static", Endpoints.Static429);
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
    Console.WriteLine($"LISTENING {addresses.First()} pid={Environment.ProcessId} mode={mode} logging={logging}");
});

app.Run();
return 0;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>The endpoints every mode shares: no minimal-API binding, a body with a Content-Length.</summary>
internal static class Endpoints
{
    private static readonly byte[] OkBody = "ok"u8.ToArray();

    public static Task Ok(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = OkBody.Length;
        var write = context.Response.BodyWriter.WriteAsync(OkBody);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    public static Task Bare429(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Task.CompletedTask;
    }

    // The catalog app's accept headers and minute-limit refusal (headers, 424-byte body), as constant strings.
    private static readonly StringValues Limit = "1000000";
    private static readonly StringValues Remaining = "999999";
    private static readonly StringValues Reset = "1795696020";
    private static readonly StringValues Zero = "0";
    private static readonly StringValues RetryAfter = "13";
    private static readonly byte[] RefusalBody = """
        {"type":"/errors/api-key-plan-minute-rate-limit-reached","title":"You've exceeded your API Key's HTTP request rate limit.","status":429,"detail":"You've exceeded your API Key's HTTP request rate limit: 0 of 0 requests this minute. Rate limits reset every minute.","instance":"/refuse","code":"API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED","numericCode":1008,"requestId":"0HNQBN24U201P:00000001","used":0,"limit":0,"retryAfter":13}
        """u8.ToArray();

    public static Task OkWithStaticHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = Limit;
        headers["X-RateLimit-Remaining"] = Remaining;
        headers["X-RateLimit-Reset"] = Reset;
        return Ok(context);
    }

    public static Task Static429(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/problem+json";
        response.ContentLength = RefusalBody.Length;
        response.Headers.RetryAfter = RetryAfter;
        response.Headers["X-RateLimit-Limit"] = Zero;
        response.Headers["X-RateLimit-Remaining"] = Zero;
        response.Headers["X-RateLimit-Reset"] = Reset;
        var write = response.BodyWriter.WriteAsync(RefusalBody);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}

/// <summary>The catalog mode's keys and plans (the same key names the wrk script sends).</summary>
internal static class LoadConfig
{
    /// <summary>How many keys load_key_0001.. are configured (--keys; benchmarks/load/scaling.sh raises it).</summary>
    public static int Keys { get; set; } = 64;
    public const int MinutePermit = 1_000_000;

    public static void Catalog(ApiErrorCatalogOptions options)
    {
        options.Headers = RateLimitHeaderProfiles.XRateLimit;
        options.Plans["load"] = new PlanOptions
        {
            Limits =
            {
                ["minute"] = new LimitOptions { PermitLimit = MinutePermit, Window = "minute" },
                ["month"] = new LimitOptions { PermitLimit = 1_000_000_000, Window = "month" },
                ["credits"] = new LimitOptions { Kind = LimitKind.Credits, PermitLimit = 1_000_000_000, Window = "day" },
                ["concurrency"] = new LimitOptions { Kind = LimitKind.Concurrency, PermitLimit = 64 },
            },
        };
        options.Plans["tiny"] = new PlanOptions
        {
            Limits = { ["minute"] = new LimitOptions { PermitLimit = 0, Window = "minute" } },
        };
        for (var i = 1; i <= Keys; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"load_key_{i:D4}");
            options.ApiKeys.Add(new ConfiguredApiKey { Id = key, Hash = ApiKeyHash.Compute(key).ToString(), Plan = "load" });
        }

        options.ApiKeys.Add(new ConfiguredApiKey { Id = "refuse", Hash = ApiKeyHash.Compute("load_refuse_key").ToString(), Plan = "tiny" });
    }
}
