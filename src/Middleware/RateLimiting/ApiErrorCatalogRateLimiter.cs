using System.Threading.RateLimiting;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The configured limits as a <see cref="PartitionedRateLimiter{HttpContext}"/>, for applications that use the
/// built-in <c>UseRateLimiter</c> (<c>options.GlobalLimiter</c>) instead of, or beside, <c>UseApiErrorCatalog</c>.
/// It resolves the request's key, builds the same all-or-nothing batch, and refuses with a lease carrying the
/// catalog error. <c>UseApiErrorCatalog</c> does not go through it: the built-in middleware costs an allocation
/// per request that the catalog's own path avoids.
/// </summary>
internal sealed class ApiErrorCatalogRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private ApiErrorCatalogRuntime? _runtime;

    /// <summary>Statistics per partition are not tracked (null), as the counters may live in another process.</summary>
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

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

    private async ValueTask<RateLimitLease> AcquireCoreAsync(HttpContext resource, int permitCount, bool synchronousOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var runtime = _runtime ??= resource.RequestServices.GetRequiredService<ApiErrorCatalogRuntime>();
        var policy = EndpointPolicy.For(resource.GetEndpoint(), runtime.Catalog);
        if (policy.Exempt)
        {
            return ApiLimitLease.Admitted;
        }

        ResolvedKey? key = (resource.Features.Get<IApiKeyFeature>() as RequestState)?.Key;
        if (key is null)
        {
            switch (runtime.Reader.Read(resource.Request, out var hash))
            {
                case PresentedKey.Malformed:
                    return ApiLimitLease.Refused(runtime.Responder.Error(runtime.Refusals[Refusal.KeyInvalid], null), TimeSpan.Zero);
                case PresentedKey.Present:
                    var lookup = runtime.Resolver.FindAsync(hash, cancellationToken);
                    if (synchronousOnly && !lookup.IsCompletedSuccessfully)
                    {
                        _ = lookup.AsTask(); // it completes in the background and fills the key cache
                        return Pending;
                    }

                    key = await lookup.ConfigureAwait(false);
                    if (key is null)
                    {
                        return ApiLimitLease.Refused(runtime.Responder.Error(runtime.Refusals[Refusal.KeyInvalid], null), TimeSpan.Zero);
                    }

                    break;
            }
        }

        var batch = new CounterBatch();
        runtime.FillBatch(batch, resource, key, policy.Credits ?? Math.Max(permitCount, runtime.Options.DefaultCredits), runtime.Time.GetUtcNow());
        if (batch.Count == 0)
        {
            return ApiLimitLease.Admitted;
        }

        if (synchronousOnly && runtime.Counters is not InMemoryCounterStore)
        {
            return Pending; // remote counters answer asynchronously, and a started decision charges
        }

        bool admitted;
        try
        {
            admitted = await runtime.Counters.AcquireAsync(batch).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            // The outage policy, as the middleware applies it (see RedisOptions.FailurePolicy).
            runtime.Metrics.StoreFailed();
            if (runtime.OutageRetryAfter is not { } wait)
            {
                return ApiLimitLease.Admitted;
            }

            return ApiLimitLease.Refused(runtime.Responder.Error(runtime.Refusals[Refusal.StoreUnavailable], key, retryAfter: wait), wait);
        }

        if (admitted)
        {
            return batch.HasLeases ? ApiLimitLease.WithLeases(runtime.Counters, batch) : ApiLimitLease.Admitted;
        }

        var error = runtime.Responder.LimitError(batch, key, out var retryAfter);
        return ApiLimitLease.Refused(error, retryAfter);
    }

    private static readonly ApiLimitLease Pending = ApiLimitLease.Refused(default, TimeSpan.Zero);
}
