using System.Collections.Frozen;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The validated options turned into the parts a request uses, built once: plans, keys, counters, headers,
/// refusals. Shared by the middleware, the authentication handler and the rate limiter.
/// </summary>
internal sealed class ApiErrorCatalogRuntime : IDisposable
{
    public ApiErrorCatalogRuntime(
        IOptions<ApiErrorCatalogOptions> options,
        ApiErrorCatalogOptionsValidator validator,
        TimeProvider time,
        ApiErrorCatalogMetrics metrics,
        ILoggerFactory loggers,
        IEnumerable<IApiKeyStore> stores)
    {
        var value = options.Value;
        var errors = new List<string>();
        var store = stores.LastOrDefault();
        var compiled = validator.Compile(value, errors, customStore: store is not null);
        if (errors.Count > 0)
        {
            throw ApiErrorCatalogOptionsValidator.ValidationException(errors);
        }

        Options = value;
        Catalog = value.Catalog;
        Book = compiled.Book;
        Refusals = compiled.Refusals;
        Time = time;
        Metrics = metrics;
        Resolver = new KeyResolver(Book, store, time, loggers.CreateLogger<KeyResolver>(), store is null ? compiled.Keys : null);
        Reader = new ApiKeyReader(value.Keys, Resolver.IsKnown);
        Counters = value.Redis is { Configuration.Length: > 0 } redis
            ? new RedisCounterStore(redis, value.ConcurrencyRetryAfter, loggers.CreateLogger<RedisCounterStore>())
            : new InMemoryCounterStore(time, value.IdleCounterRetention, value.ConcurrencyRetryAfter);
        Headers = new RateLimitHeaderWriter(value.Headers);
        JsonRpc = new JsonRpcCostReader(value.JsonRpc, value.Catalog);
        Responder = new RefusalResponder(Headers, metrics, loggers.CreateLogger<RefusalResponder>(), time, value.UpgradeUrl, value.Keys.EffectiveHeaders[0]);
        States = new DefaultObjectPool<RequestState>(new RequestStatePolicy(Headers, Counters), Environment.ProcessorCount * 64);
        Logger = loggers.CreateLogger<ApiErrorCatalogMiddleware>();
        if (value.Redis?.FailurePolicy == RedisFailurePolicy.FailClosed)
        {
            OutageRetryAfter = TimeSpan.FromSeconds(Math.Max(1, ApiError.ToWholeSeconds(value.Redis.RetryAfter)));
        }
    }

    /// <summary>
    /// While the counters cannot answer: null admits uncounted (fail open); a value refuses with StoreUnavailable
    /// and this Retry-After (fail closed, whole seconds, at least 1). See <see cref="RedisOptions.FailurePolicy"/>.
    /// </summary>
    public TimeSpan? OutageRetryAfter { get; }

    public ApiErrorCatalogOptions Options { get; }

    public ApiErrorCatalog Catalog { get; }

    public PlanBook Book { get; }

    public RefusalMap Refusals { get; }

    public TimeProvider Time { get; }

    public ApiErrorCatalogMetrics Metrics { get; }

    public ApiKeyReader Reader { get; }

    public KeyResolver Resolver { get; }

    public ICounterStore Counters { get; }

    public RateLimitHeaderWriter Headers { get; }

    public JsonRpcCostReader JsonRpc { get; }

    public RefusalResponder Responder { get; }

    public ObjectPool<RequestState> States { get; }

    public ILogger Logger { get; }

    /// <summary>
    /// Puts a request's limits in its batch: the IP limit, then the key's (credits cost <paramref name="credits"/>,
    /// overage where the key allows it), decided for the instant <paramref name="now"/>. Partitions are namespaced by
    /// limit (see <see cref="LimitDefinition.CounterName"/>).
    /// </summary>
    public void FillBatch(CounterBatch batch, HttpContext context, ResolvedKey? key, long credits, DateTimeOffset now)
    {
        batch.Now = now;
        if (Book.IpLimit is { } ipLimit)
        {
            object partition = context.Connection.RemoteIpAddress is { } address ? address : UnknownAddress;
            batch.Add(new LimitEntry(ipLimit, partition, string.Empty), 1, overageAllowed: false);
        }

        if (key is null)
        {
            return;
        }

        foreach (var entry in key.Limits)
        {
            var isCredits = entry.Limit.Kind == LimitKind.Credits;
            batch.Add(entry, isCredits ? credits : 1, overageAllowed: isCredits && key.Record.Overage);
        }
    }

    public void Dispose() => (Counters as IDisposable)?.Dispose();

    private static readonly object UnknownAddress = "unknown";
}

/// <summary>What validation compiled, reused by the runtime.</summary>
internal sealed record CompiledOptions(PlanBook Book, RefusalMap Refusals, FrozenDictionary<ApiKeyHash, ResolvedKey> Keys);
