using System.Threading.RateLimiting;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The configured limits as a <see cref="PartitionedRateLimiter{HttpContext}"/>, for applications that use the
/// built-in <c>UseRateLimiter</c> (<c>options.GlobalLimiter</c>) instead of, or beside, <c>UseApiErrorCatalog</c>.
/// It takes the same key step (the key, its state, IP allow-list, plan and scopes), builds the same all-or-nothing
/// batch, and refuses with a lease carrying the catalog error. <c>UseApiErrorCatalog</c> does not go through it: the
/// built-in middleware costs an allocation per request that the catalog's own path avoids.
/// </summary>
internal sealed class ApiErrorCatalogRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private Parts? _parts;
    private long _successfulLeases;
    private long _failedLeases;

    /// <summary>
    /// The request's limits now (its key's, found as a request finds it without waiting, and its client IP's):
    /// <see cref="RateLimiterStatistics.CurrentAvailablePermits"/> is the smallest remaining among them
    /// (<see cref="long.MaxValue"/> when none applies), the lease totals count every lease this limiter handed out (a
    /// refusal because of the key is a failed one; the built-in middleware asks <c>AcquireAsync</c> after a refused
    /// <c>AttemptAcquire</c>, so there a refused request counts twice, as with the runtime's limiters), and nothing is
    /// ever queued. With counters in memory the figures are exact; with
    /// Redis they are what this instance last learnt from Redis's replies in the current windows (charges of every
    /// instance up to then; a limit it has no reply for, and a concurrency limit, reads as unused), as statistics
    /// are read synchronously. <see cref="IApiUsage"/> reads Redis itself.
    /// </summary>
    public override RateLimiterStatistics? GetStatistics(HttpContext resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var parts = _parts ??= new Parts(resource.RequestServices);
        var key = (resource.Features.Get<IApiKeyFeature>() as RequestState)?.Key;
        if (key is null)
        {
            var found = parts.Keys.FindAsync(resource, parts.Time.GetUtcNow(), CancellationToken.None);
            key = found.IsCompletedSuccessfully ? found.Result.Key : null; // a key store still to be asked: the IP limit alone
        }

        var batch = parts.Counters.CreateBatch();
        batch.Now = parts.Time.GetUtcNow();
        parts.Limits.Fill(batch, resource, key, credits: 0);
        parts.Counters.ReadKnown(batch);
        var available = long.MaxValue;
        for (var i = 0; i < batch.Count; i++)
        {
            available = Math.Min(available, batch[i].Remaining);
        }

        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = available,
            CurrentQueuedCount = 0,
            TotalSuccessfulLeases = Volatile.Read(ref _successfulLeases),
            TotalFailedLeases = Volatile.Read(ref _failedLeases),
        };
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        // Only a decision that completes here: one that would wait (a key-store lookup, remote counters) stops before
        // charging anything and leaves it to AcquireAsync, so a request is never charged twice.
        var attempt = AcquireCoreAsync(resource, permitCount, synchronousOnly: true, CancellationToken.None);
        return attempt.IsCompletedSuccessfully ? attempt.Result : Pending;
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        AcquireCoreAsync(resource, permitCount, synchronousOnly: false, cancellationToken);

    /// <summary>Counts a lease handed out, in the decision itself so counting costs no wrapper (a deferred attempt is not one: its AcquireAsync is).</summary>
    private RateLimitLease Counted(RateLimitLease lease)
    {
        if (!ReferenceEquals(lease, Pending))
        {
            Interlocked.Increment(ref lease.IsAcquired ? ref _successfulLeases : ref _failedLeases);
        }

        return lease;
    }

    private async ValueTask<RateLimitLease> AcquireCoreAsync(HttpContext resource, int permitCount, bool synchronousOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);

        // Built by the application that first uses this limiter (it is made before the application's services are).
        var parts = _parts ??= new Parts(resource.RequestServices);
        var policy = parts.Policies.For(resource.GetEndpoint());
        if (policy.CorsPreflightPasses && CorsRequests.PassPreflight(resource, policy))
        {
            return Counted(ApiLimitLease.Admitted); // the CORS middleware's to answer, as in UseApiErrorCatalog
        }

        var now = parts.Time.GetUtcNow();

        // UseApiErrorCatalog ran first: it checked the key already.
        var key = (resource.Features.Get<IApiKeyFeature>() as RequestState)?.Key;
        ApiLimitLease? keyRefusal = null;
        if (key is null)
        {
            if (synchronousOnly && !parts.Keys.FindsSynchronously(resource.Request))
            {
                // A key store must be asked: AcquireAsync follows at once and asks it. A lookup started here would go on
                // touching the request's features beside that one, and an HttpContext is not safe across threads.
                return Pending;
            }

            var resolving = parts.Keys.ResolveAsync(resource, policy, now, cancellationToken);
            if (synchronousOnly && !resolving.IsCompletedSuccessfully)
            {
                _ = resolving.AsTask(); // an answer that expired since the check above: observed, and it fills the cache
                return Pending;
            }

            var result = await resolving.ConfigureAwait(false);
            if (result.Refused)
            {
                keyRefusal = ApiLimitLease.Refused(parts.Responder.Error(result.Refusal, result.Key, result.Scope, result.RetryAfter), result.RetryAfter ?? TimeSpan.Zero);
                // Not charged: an endpoint exempt from limits, or a key store that failed (the client did nothing wrong).
                if (!parts.Limits.HasIpLimit || !policy.RefusalsCount || result.Refusal == Refusal.StoreUnavailable)
                {
                    return Counted(keyRefusal);
                }

                if (synchronousOnly)
                {
                    return Pending; // the built-in middleware asks AcquireAsync after a refused attempt: charge the IP there, once
                }
            }
            else
            {
                key = result.Key;
            }

            now = result.Now;
        }

        if (policy.Exempt && keyRefusal is null)
        {
            return Counted(ApiLimitLease.Admitted); // the key's access was checked; its limits are not
        }

        // A key or access refusal still counts against the client's IP limit, as the middleware counts it: a flood of
        // bad keys is throttled like any other traffic.
        var batch = parts.Counters.CreateBatch();
        batch.Now = now;
        parts.Limits.Fill(
            batch, resource, policy.IpLimitOnly ? null : key, keyRefusal is null && !policy.IpLimitOnly ? policy.Credits ?? Math.Max(permitCount, parts.Limits.DefaultCredits) : 0);
        if (batch.Count == 0)
        {
            return Counted(ApiLimitLease.Admitted);
        }

        if (synchronousOnly && parts.Counters is not InMemoryCounterStore)
        {
            return Pending; // remote counters answer asynchronously, and a started decision charges
        }

        bool admitted;
        try
        {
            admitted = await parts.Counters.AcquireAsync(batch).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            // The outage policy, as the middleware applies it (see RedisOptions.FailurePolicy).
            parts.Metrics.StoreFailed();
            if (keyRefusal is not null)
            {
                return Counted(keyRefusal); // the key's answer, without the IP limit nobody could count
            }

            if (parts.Limits.OutageRetryAfter is not { } wait)
            {
                return Counted(ApiLimitLease.Admitted);
            }

            return Counted(ApiLimitLease.Refused(parts.Responder.Error(Refusal.StoreUnavailable, key, retryAfter: wait), wait));
        }

        if (admitted && keyRefusal is not null)
        {
            parts.Counters.Release(batch);
            return Counted(keyRefusal);
        }

        if (admitted)
        {
            // Nothing is given back on this path, so the charge is final here: metered now, with no lease per request.
            parts.Meter?.Add(batch, key, resource.GetEndpoint(), refundedAt: default);
            return Counted(batch.HasLeases ? ApiLimitLease.WithLeases(parts.Counters, batch) : ApiLimitLease.Admitted);
        }

        var error = parts.Responder.LimitError(batch, key, out var retryAfter);
        return Counted(ApiLimitLease.Refused(error, retryAfter));
    }

    private static readonly ApiLimitLease Pending = ApiLimitLease.Refused(default, TimeSpan.Zero);

    /// <summary>What a decision uses, from the application's services.</summary>
    private sealed class Parts(IServiceProvider services)
    {
        public EndpointPolicyCache Policies { get; } = services.GetRequiredService<EndpointPolicyCache>();

        public KeyStep Keys { get; } = services.GetRequiredService<KeyStep>();

        public RequestLimits Limits { get; } = services.GetRequiredService<RequestLimits>();

        public ICounterStore Counters { get; } = services.GetRequiredService<ICounterStore>();

        public RefusalResponder Responder { get; } = services.GetRequiredService<RefusalResponder>();

        public ApiErrorCatalogMetrics Metrics { get; } = services.GetRequiredService<ApiErrorCatalogMetrics>();

        public TimeProvider Time { get; } = services.GetRequiredService<TimeProvider>();

        /// <summary>The usage meter's queue, when the application registered a meter.</summary>
        public UsageMeterQueue? Meter { get; } = services.GetService<UsageMeterQueue>();

    }
}
