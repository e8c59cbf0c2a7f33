using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What a request is charged: its limits put in its batch, its default cost, and what happens while the counters
/// cannot answer. Shared by the middleware and the built-in rate limiter, so both charge alike. The IP limit and the
/// default cost follow configuration reloads (<see cref="RunningOptions.Current"/>); the outage policy is Redis's,
/// read at start-up.
/// </summary>
internal sealed class RequestLimits
{
    private static readonly object UnknownAddress = "unknown";

    private readonly RunningOptions _running;

    public RequestLimits(RunningOptions running)
    {
        _running = running;
        var options = running.Startup.Book.Options;
        if (options.Redis?.FailurePolicy == RedisFailurePolicy.FailClosed)
        {
            OutageRetryAfter = TimeSpan.FromSeconds(Math.Max(1, ApiError.ToWholeSeconds(options.Redis.RetryAfter)));
        }
    }

    /// <summary>Whether the application limits requests per client IP (a key or access refusal is charged there too).</summary>
    public bool HasIpLimit => _running.Current.Book.IpLimit is not null;

    /// <summary>The credits a call costs where its endpoint does not say.</summary>
    public long DefaultCredits => _running.Current.Book.Options.DefaultCredits;

    /// <summary>
    /// While the counters cannot answer: null admits uncounted (fail open); a value refuses with StoreUnavailable
    /// and this Retry-After (fail closed, whole seconds, at least 1). See <see cref="RedisOptions.FailurePolicy"/>.
    /// </summary>
    public TimeSpan? OutageRetryAfter { get; }

    /// <summary>
    /// Puts a request's limits in its batch, decided at the batch's <see cref="CounterBatch.Now"/>: the IP limit, then
    /// the key's (credits cost <paramref name="credits"/>, overage where the key allows it). Partitions are
    /// namespaced by limit (see <see cref="LimitDefinition.CounterName"/>).
    /// </summary>
    public void Fill(CounterBatch batch, HttpContext context, ResolvedKey? key, long credits)
    {
        if (_running.Current.Book.IpLimit is { } ipLimit)
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
}
