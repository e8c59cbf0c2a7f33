namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in Redis, for several instances serving one API (<c>ApiErrorCatalog:Redis</c>). Every limit of a
/// request is decided and charged by one script call (shared with the requests that arrive with it); without this
/// section counters stay in memory.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis configuration string (<c>127.0.0.1:6379</c>).</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key, so several APIs can share one Redis. Default <c>ec:</c>.</summary>
    public string Prefix { get; set; } = "ec:";

    /// <summary>The longest a request waits for Redis before the outage policy applies. Default 250 ms.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>What a request gets while Redis cannot answer. Default <see cref="RedisFailurePolicy.FailOpen"/>.</summary>
    public RedisFailurePolicy FailurePolicy { get; set; } = RedisFailurePolicy.FailOpen;

    /// <summary>Retry-After of a fail-closed refusal. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a concurrency lease lives if its request never ends (the instance died). Requests longer than this
    /// stop counting against the concurrency limit. Default 60 s.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Set by ErrorCatalog.Redis when the app gives its own connection (<c>AddApiErrorCatalogRedis(connection)</c>):
    /// counting is in Redis without <see cref="Configuration"/>. Not a setting (internal, so never bound).
    /// </summary>
    internal bool AppConnection { get; set; }

    /// <summary>Whether the counters live in Redis: a configured server or the app's own connection.</summary>
    internal bool CountsInRedis => AppConnection || Configuration is { Length: > 0 };
}
