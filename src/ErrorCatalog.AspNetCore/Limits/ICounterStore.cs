using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Where counters live. One call decides and charges a request's whole batch, so a remote store (Redis) does
/// it in one script call (shared with other requests) with the same all-or-nothing rule as memory.
/// </summary>
internal interface ICounterStore
{
    /// <summary>A batch for this store's calls, with room for what the store keeps per batch (made once per pooled request state).</summary>
    CounterBatch CreateBatch();

    /// <summary>
    /// Decides the batch at <see cref="CounterBatch.Now"/> and fills every item's result: true when admitted (as
    /// <see cref="CounterBatch.Admitted"/>). Completes synchronously for a store that never waits (memory); a remote
    /// store's wait costs no allocation, as the batch it made is the awaited source.
    /// </summary>
    /// <param name="batch">A batch made by this store's <see cref="CreateBatch"/>.</param>
    /// <exception cref="CounterStoreUnavailableException">The store cannot answer (thrown or through the task).</exception>
    ValueTask<bool> AcquireAsync(CounterBatch batch);

    /// <summary>
    /// Reads the batch's counters at <see cref="CounterBatch.Now"/> without charging anything: every item's
    /// <see cref="CounterItem.Used"/>, <see cref="CounterItem.Remaining"/>, <see cref="CounterItem.ResetAt"/> and
    /// <see cref="CounterItem.Overage"/> (past its permit) as <see cref="LimitMath.Read"/> reports them, which is what
    /// the headers of the last admitted request showed when nothing came since. A counter nobody charged reads 0 and
    /// is not created. Completes synchronously in memory.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">The store cannot answer (thrown or through the task).</exception>
    ValueTask ReadAsync(CounterBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ReadAsync"/> without waiting: memory reads exactly; a remote store reports what this process last
    /// learnt from its replies (a counter it has no figure for in this window, and every concurrency limit, reads 0).
    /// </summary>
    void ReadKnown(CounterBatch batch);

    /// <summary>Releases the batch's concurrency leases (the request ended: success, exception or abort).</summary>
    /// <remarks>Never waits: a remote store queues or sends the release without awaiting it.</remarks>
    void Release(CounterBatch batch);

    /// <summary>
    /// Gives back what an admitted batch charged its credit limits (the framework refused the request before its
    /// endpoint ran), overage included: only to the window each was charged in, and only while that window has not
    /// ended at <paramref name="now"/>; never below zero. Request-count windows and leases are left alone.
    /// </summary>
    /// <remarks>Never waits: a remote store sends it without awaiting it, and an outage loses it (the request stays charged).</remarks>
    void Refund(CounterBatch batch, DateTimeOffset now);

    /// <summary>
    /// Whether the store can count now, for the health check (<c>AddApiErrorCatalog</c> on <c>IHealthChecksBuilder</c>):
    /// a remote store asks its server, within its own timeout; <paramref name="failureStatus"/> is what it reports
    /// when the server does not answer.
    /// </summary>
    Task<HealthCheckResult> CheckHealthAsync(HealthStatus failureStatus, CancellationToken cancellationToken);
}
