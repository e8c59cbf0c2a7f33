using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Reads usage: for a key or a subscription, each limit's used, remaining and reset, from the counters requests are
/// decided by (memory or Redis), with the numbers the rate-limit headers of that key's requests carry. Registered by
/// <c>AddApiErrorCatalog</c>; served over HTTP by <c>MapApiUsage</c>.
/// </summary>
/// <remarks>
/// <para>A read charges nothing and creates no counter: a limit nobody used in its window reads 0 used.</para>
/// <para>Input that names nothing (an unknown or empty id, a hash no store knows, a record the configuration would
/// refuse) answers null, never an exception. A key or counter store that fails does throw: the key store's own
/// exception, or <see cref="CounterStoreUnavailableException"/> when Redis does not answer.</para>
/// <para>A key's report holds its plan's limits as its requests are charged (its own permits, its subscription's
/// shared limits and its own share of them); the client IP's limit only in a request's report.</para>
/// </remarks>
public interface IApiUsage
{
    /// <summary>
    /// A key configured under <c>ApiErrorCatalog:ApiKeys</c>, by its id; null when no configured key has that id (and
    /// always when the application has its own <see cref="IApiKeyStore"/>, which is looked up by hash).
    /// </summary>
    ValueTask<ApiUsageReport?> GetKeyUsageAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>A key by the hash of the key itself, found as requests find it (configuration, or the application's <see cref="IApiKeyStore"/> through its cache); null when unknown.</summary>
    ValueTask<ApiUsageReport?> GetKeyUsageByHashAsync(ApiKeyHash keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// A key the application holds the record of (its own store's); null when the record names no configured
    /// subscription or plan, or has a setting requests would refuse it for.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    ValueTask<ApiUsageReport?> GetKeyUsageByRecordAsync(ApiKeyRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// A subscription configured under <c>ApiErrorCatalog:Subscriptions</c>: its shared (subscription-scoped) limits
    /// with its own permits; null when no configured subscription has that id.
    /// </summary>
    ValueTask<ApiUsageReport?> GetSubscriptionUsageAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request's own usage: its key's limits and its client IP's. Once <c>UseApiErrorCatalog</c> decided the
    /// request, these are the figures of that decision, equal to the response's rate-limit headers; otherwise a read.
    /// Null when the request presents no key it can be matched to and no IP limit applies.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    ValueTask<ApiUsageReport?> GetRequestUsageAsync(HttpContext context, CancellationToken cancellationToken = default);
}
