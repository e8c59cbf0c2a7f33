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
///   catalog-memory      catalog-redis's limits and headers with the in-memory store: the same decisions with no Redis
///                       at all, the floor of any Redis store's CPU in this process.
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
                    FourLimits(options);
                    options.Redis = new RedisOptions { Configuration = Require(redis), Prefix = "load:", Timeout = TimeSpan.FromSeconds(1) };
                }).AddApiErrorCatalogRedis();
                return true;
            case "catalog-memory":
                builder.Services.AddApiErrorCatalog(FourLimits);
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
            case "redis-floor" or "shared-reply-floor" or "counter-floor":
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
        RedisKeyOrValue[] command = [(RedisValue)LoadScript(database, "return 1"), (RedisValue)0];
        app.Use(async (context, next) =>
        {
            (await database.ExecuteRespAsync("EVALSHA", command).ConfigureAwait(false)).Dispose();
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>catalog-redis's limits: IP + minute + month + credits on a key (catalog-memory keeps them in memory).</summary>
    private static void FourLimits(ApiErrorCatalogOptions options)
    {
        LoadConfig.Catalog(options);
        options.Plans["load"].Limits.Remove("concurrency");
        options.IpLimit = new LimitOptions { PermitLimit = 1_000_000_000, Window = "minute" };
        AddRefusingKeys(options, new()
        {
            ["minute"] = new LimitOptions { PermitLimit = LoadConfig.MinutePermit, Window = "minute" },
            ["month"] = new LimitOptions { PermitLimit = RefusingPermit, Window = "month" },
            ["credits"] = new LimitOptions { Kind = LimitKind.Credits, PermitLimit = 1_000_000_000, Window = "day" },
        });
    }

    /// <summary>
    /// The shared-reply-floor middleware: requests wait for a shared Redis reply as the store's lanes make them wait
    /// (one PING in flight; the requests that come meanwhile all wait for the next one), with no limits and no script:
    /// the floor of any store that coalesces requests into calls they wait for. counter-floor sends, instead of the
    /// PING, one script call that INCRBYs each waiting request's three key counters and one shared IP counter, as
    /// catalog-redis's calls must at the least: the floor of Redis's own CPU for those limits.
    /// </summary>
    public static void UseSharedReplyFloor(WebApplication app, bool counters)
    {
        var database = app.Services.GetRequiredService<IDatabase>();
        var reply = new SharedReply(database, counters ? LoadScript(database, CounterFloorSource) : null);
        var names = new Dictionary<string, RedisKey[]>(StringComparer.Ordinal);
        for (var i = 1; i <= LoadConfig.Keys; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"load_key_{i:D4}");
            names[key] = [$"floor:{{{key}}}:minute", $"floor:{{{key}}}:month", $"floor:{{{key}}}:credits"];
        }

        app.Use(async (context, next) =>
        {
            var counters = names.GetValueOrDefault(context.Request.Headers["X-API-Key"].ToString());
            await reply.WaitAsync(counters).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Caches a script in Redis and gives its SHA-1 in hex, as EVALSHA names it.</summary>
    private static byte[] LoadScript(IDatabase database, string source)
    {
        database.ScriptEvaluate(source);
        var sha = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(source));
        return System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(sha));
    }

    /// <summary>counter-floor's script: INCRBY of each key it is given, no decision, no reply to read.</summary>
    private const string CounterFloorSource = "for i = 1, #KEYS do redis.call('INCRBY', KEYS[i], '1') end return 1";

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

/// <summary>One call in flight (a PING, or counter-floor's script); whoever asks meanwhile waits for the next.</summary>
internal sealed class SharedReply(IDatabase database, byte[]? script)
{
    private static readonly RedisKey IpCounter = "floor:{ip}:minute";

    private readonly Lock _lock = new();
    private readonly List<RedisKeyOrValue> _keys = [];
    private TaskCompletionSource? _next;
    private bool _busy;

    public Task WaitAsync(RedisKey[]? counters)
    {
        TaskCompletionSource? send = null;
        RedisKeyOrValue[]? command = null;
        Task wait;
        lock (_lock)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _next.Task;
            if (script is not null && counters is not null)
            {
                foreach (var counter in counters)
                {
                    _keys.Add(counter);
                }
            }

            if (!_busy)
            {
                _busy = true;
                send = _next;
                _next = null;
                command = TakeCommand();
            }
        }

        if (send is not null)
        {
            _ = SendAsync(send, command);
        }

        return wait;
    }

    /// <summary>The next call's arguments (under the lock): null for a PING.</summary>
    private RedisKeyOrValue[]? TakeCommand()
    {
        if (script is null)
        {
            return null;
        }

        _keys.Add(IpCounter);
        RedisKeyOrValue[] command = [(RedisValue)script, (RedisValue)_keys.Count, .. _keys];
        _keys.Clear();
        return command;
    }

    private async Task SendAsync(TaskCompletionSource waiters, RedisKeyOrValue[]? command)
    {
        while (true)
        {
            try
            {
                var reply = command is null
                    ? database.ExecuteRespAsync("PING", ReadOnlyMemory<RedisKeyOrValue>.Empty)
                    : database.ExecuteRespAsync("EVALSHA", command);
                (await reply.ConfigureAwait(false)).Dispose();
                waiters.SetResult();
            }
            catch (Exception ex)
            {
                // The waiters fail with it (their requests answer 500) and the next call goes on.
                waiters.SetException(ex);
            }

            lock (_lock)
            {
                if (_next is null)
                {
                    _busy = false;
                    return;
                }

                waiters = _next;
                _next = null;
                command = TakeCommand();
            }
        }
    }
}
