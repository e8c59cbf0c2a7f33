using System.Globalization;
using System.Threading.RateLimiting;
using ErrorCatalog.Middleware;
using RedisRateLimiting;
using StackExchange.Redis;

/// <summary>
/// The Redis modes of the load apps, for benchmarks/load/redis.sh, against one redis-server:
///   catalog-redis       UseApiErrorCatalog with ApiErrorCatalog:Redis: IP + minute + month + credits limits on a
///                       key, one EVALSHA per request, X-RateLimit-* headers. (Concurrency leases would add a
///                       fire-and-forget ZREM at the end of each request, so they are left out of this comparison.)
///   catalog-redis-one   The same with the minute limit alone: like for like with redis-ratelimiting.
///   redis-ratelimiting  UseRateLimiter with RedisRateLimiting: one Redis fixed window per X-API-Key, OnRejected
///                       writing a bare 429 with Retry-After.
///   hop-floor           No limits, no Redis: one thread-pool hop per request (Program.cs), the floor of waiting for a reply.
///   redis-floor         No limits: one EVALSHA of "return 1" per request through StackExchange.Redis, awaited by a
///                       middleware. What any library pays for one round trip through the client on this machine.
///   catalog-redis-kinds catalog-redis with a sliding minute window and a concurrency limit added: every kind of Redis
///                       key the store writes (window counter, previous window, lease set), for scaling.sh's memory.
/// The refusal path: keys load_refuse_0001..0064 have a limit of <see cref="RefusingPermit"/> over a long window
/// (a calendar month in the catalog modes, 30 days in redis-ratelimiting), so after their first requests every
/// request of theirs is refused until long after a run ends: catalog-redis refuses them on a month limit beside its
/// other limits, catalog-redis-one on a month limit alone (like for like with redis-ratelimiting's one window).
/// </summary>
internal static class RedisModes
{
    /// <summary>How many requests a refusing key is allowed per window before every later one is refused.</summary>
    public const int RefusingPermit = 10;

    public static bool TryConfigure(WebApplicationBuilder builder, string mode, string? redis)
    {
        switch (mode)
        {
            case "catalog-redis":
                builder.Services.AddApiErrorCatalog(options =>
                {
                    LoadConfig.Catalog(options);
                    options.Plans["load"].Limits.Remove("concurrency");
                    options.IpLimit = new LimitOptions { PermitLimit = 1_000_000_000, Window = "minute" };
                    options.Redis = new RedisOptions { Configuration = Require(redis), Prefix = "load:", Timeout = TimeSpan.FromSeconds(1) };
                    AddRefusingKeys(options, new()
                    {
                        ["minute"] = new LimitOptions { PermitLimit = LoadConfig.MinutePermit, Window = "minute" },
                        ["month"] = new LimitOptions { PermitLimit = RefusingPermit, Window = "month" },
                        ["credits"] = new LimitOptions { Kind = LimitKind.Credits, PermitLimit = 1_000_000_000, Window = "day" },
                    });
                }).AddApiErrorCatalogRedis();
                return true;
            case "catalog-redis-kinds":
                builder.Services.AddApiErrorCatalog(options =>
                {
                    LoadConfig.Catalog(options);
                    options.Plans["load"].Limits["minute"].Sliding = true;
                    options.IpLimit = new LimitOptions { PermitLimit = 1_000_000_000, Window = "minute" };
                    options.Redis = new RedisOptions { Configuration = Require(redis), Prefix = "load:", Timeout = TimeSpan.FromSeconds(1) };
                }).AddApiErrorCatalogRedis();
                return true;
            case "catalog-redis-one":
                builder.Services.AddApiErrorCatalog(options =>
                {
                    LoadConfig.Catalog(options);
                    var limits = options.Plans["load"].Limits;
                    limits.Remove("concurrency");
                    limits.Remove("month");
                    limits.Remove("credits");
                    options.Redis = new RedisOptions { Configuration = Require(redis), Prefix = "load:", Timeout = TimeSpan.FromSeconds(1) };
                    AddRefusingKeys(options, new() { ["month"] = new LimitOptions { PermitLimit = RefusingPermit, Window = "month" } });
                }).AddApiErrorCatalogRedis();
                return true;
            case "redis-ratelimiting":
                var connection = ConnectionMultiplexer.Connect(Require(redis));
                builder.Services.AddRateLimiter(options =>
                {
                    options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    {
                        var key = context.Request.Headers["X-API-Key"].ToString();
                        var refuse = key.StartsWith("load_refuse", StringComparison.Ordinal);
                        return RedisRateLimitPartition.GetFixedWindowRateLimiter(key, _ => new RedisFixedWindowRateLimiterOptions
                        {
                            ConnectionMultiplexerFactory = () => connection,
                            PermitLimit = refuse ? RefusingPermit : LoadConfig.MinutePermit,
                            Window = refuse ? TimeSpan.FromDays(30) : TimeSpan.FromMinutes(1),
                        });
                    });
                    options.OnRejected = static (rejected, _) =>
                    {
                        var context = rejected.HttpContext;
                        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                        if (rejected.Lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var retryAfter))
                        {
                            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                        }

                        return ValueTask.CompletedTask;
                    };
                });
                return true;
            case "hop-floor":
                return true;
            case "redis-floor":
                builder.Services.AddSingleton(ConnectionMultiplexer.Connect(Require(redis)).GetDatabase());
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The redis-floor middleware: one minimal script call per request, then the endpoint. Sent as the library sends
    /// its own (the client's raw command API, EVALSHA by the hex SHA-1, pooled reply), so the floor is what the
    /// library's call would cost with no limits in it.
    /// </summary>
    public static void UseRedisFloor(WebApplication app)
    {
        var database = app.Services.GetRequiredService<IDatabase>();
        database.ScriptEvaluate("return 1");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("return 1"u8));
        RedisKeyOrValue[] command = [(RedisValue)System.Text.Encoding.ASCII.GetBytes(sha), (RedisValue)0];
        app.Use(async (context, next) =>
        {
            (await database.ExecuteRespAsync("EVALSHA", command).ConfigureAwait(false)).Dispose();
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Adds the refusing keys load_refuse_0001..0064 on a plan of the given limits.</summary>
    private static void AddRefusingKeys(ApiErrorCatalogOptions options, Dictionary<string, LimitOptions> limits)
    {
        options.Plans["refusing"] = new PlanOptions { Limits = limits };
        for (var i = 1; i <= 64; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"load_refuse_{i:D4}");
            options.ApiKeys.Add(new ConfiguredApiKey { Id = key, Hash = ApiKeyHash.Compute(key).ToString(), Plan = "refusing" });
        }
    }

    private static string Require(string? redis) =>
        redis ?? throw new InvalidOperationException("Redis modes need --redis host:port.");
}
