using System.ComponentModel;
using ErrorCatalog;
using ErrorCatalog.Defaults;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Everything <c>AddApiErrorCatalog</c> reads from the <c>ApiErrorCatalog</c> configuration section: how keys are
/// sent, plans and their limits, subscriptions, keys, the IP limit, JSON-RPC costs and header profiles.
/// Validated at start-up; a bad setting fails with its path.
/// </summary>
public sealed class ApiErrorCatalogOptions
{
    /// <summary>
    /// The application's catalog (<c>MyApi.ApiErrors.Catalog</c>), laid over the library's own <see cref="ApiErrors"/>:
    /// refusals and the framework's errors are answered by its entries where it declares one, by the default
    /// catalog's entries otherwise. Default null: the catalog generated from the application's own errors.yaml when
    /// its assembly has exactly one, else the default catalog alone.
    /// </summary>
    public ApiErrorCatalog? Catalog { get; set; }

    /// <summary>
    /// Whether start-up fails when <see cref="Catalog"/> leaves a refusal, <see cref="UnhandledExceptionError"/> or a
    /// <see cref="StatusErrors"/> code to the default catalog, listing each with an entry to add. Default false.
    /// </summary>
    public bool RequireCompleteCatalog { get; set; }

    /// <summary>Where and how clients send their key (the keys themselves are <see cref="ApiKeys"/>).</summary>
    public ApiKeyReadingOptions KeyReading { get; set; } = new();

    /// <summary>The former name of <see cref="KeyReading"/>, still read from configuration with a start-up warning.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ApiKeyReadingOptions Keys
    {
        get => KeyReading;
        set => KeyReading = value;
    }

    /// <summary>Plans by name: limits and features.</summary>
    public Dictionary<string, PlanOptions> Plans { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Subscriptions by id: a plan shared by several keys.</summary>
    public Dictionary<string, SubscriptionOptions> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Keys of the configuration-backed store (ignored when an <see cref="IApiKeyStore"/> is registered).</summary>
    public List<ConfiguredApiKey> ApiKeys { get; set; } = [];

    /// <summary>A limit per client IP address, applied to every request (null: none).</summary>
    public LimitOptions? IpLimit { get; set; }

    /// <summary>Credit costs of JSON-RPC methods, for endpoints marked <c>WithJsonRpcCredits()</c>.</summary>
    public JsonRpcOptions JsonRpc { get; set; } = new();

    /// <summary>Which rate-limit headers every response carries.</summary>
    public RateLimitHeaderProfiles Headers { get; set; } = RateLimitHeaderProfiles.XRateLimit;

    /// <summary>Credits an endpoint costs when it declares none. Default 1.</summary>
    public long DefaultCredits { get; set; } = 1;

    /// <summary>Retry-After for a concurrency refusal, when no request's end can be predicted. Default 1 s.</summary>
    public TimeSpan ConcurrencyRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Shown in errors as <c>{upgradeUrl}</c>.</summary>
    public string? UpgradeUrl { get; set; }

    /// <summary>
    /// Catalog codes answering the framework's own problems by status (<c>"400": "VALIDATION_ERROR"</c> for model
    /// validation, <c>"404": "NOT_FOUND"</c> with <c>UseStatusCodePages</c>), through <c>IProblemDetailsService</c>.
    /// </summary>
    public Dictionary<int, string> StatusErrors { get; set; } = [];

    /// <summary>The code answering an unhandled exception with <c>UseExceptionHandler()</c>. Default <c>INTERNAL_SERVER_ERROR</c>.</summary>
    public string UnhandledExceptionError { get; set; } = "INTERNAL_SERVER_ERROR";

    /// <summary>Counters in Redis for several instances (null: in memory).</summary>
    public RedisOptions? Redis { get; set; }

    /// <summary>How long idle counters are kept after their window ends before they are reclaimed. Default 1 min.</summary>
    public TimeSpan IdleCounterRetention { get; set; } = TimeSpan.FromMinutes(1);
}
