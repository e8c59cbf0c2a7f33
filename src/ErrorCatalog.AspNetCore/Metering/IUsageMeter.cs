namespace ErrorCatalog.Middleware;

/// <summary>
/// Receives what admitted requests were charged, to bill them (overage included) or keep usage records; the
/// application implements it and registers it with <c>services.AddApiUsageMeter&lt;T&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>
/// Called off the request path, by one background loop at a time, with batches of up to
/// <see cref="UsageMeteringOptions.BatchSize"/> records. Delivery is at least once: when the call throws, the same
/// records (same <see cref="MeteredRequest.Id"/>s) are delivered again after a back-off, so store them keyed by id.
/// </para>
/// <para>
/// Only admitted requests are reported, each by the instance that admitted it, when the request ended (credits
/// given back because the framework refused it before its endpoint ran are not in it; under the built-in
/// <c>UseRateLimiter</c>, which gives nothing back, when it was admitted). Refused requests produce nothing. See
/// docs/metering.md.
/// </para>
/// </remarks>
public interface IUsageMeter
{
    /// <summary>Records a batch of admitted requests; throw to have the batch delivered again later.</summary>
    /// <param name="requests">The batch, oldest first; the list is the callee's to keep.</param>
    /// <param name="cancellationToken">Canceled when the host's shutdown timeout elapses during the last flush.</param>
    Task RecordAsync(IReadOnlyList<MeteredRequest> requests, CancellationToken cancellationToken);
}
