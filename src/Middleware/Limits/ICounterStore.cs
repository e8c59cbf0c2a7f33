namespace ErrorCatalog.Middleware;

/// <summary>
/// Where counters live. One call decides and charges a request's whole batch, so a remote store (Redis) does
/// it in one round trip with the same all-or-nothing rule as memory.
/// </summary>
internal interface ICounterStore
{
    /// <summary>Decides the batch at <see cref="CounterBatch.Now"/>; fills every item's result. True when admitted.</summary>
    ValueTask<bool> AcquireAsync(CounterBatch batch, CancellationToken cancellationToken);

    /// <summary>Releases the batch's concurrency leases (the request ended: success, exception or abort).</summary>
    ValueTask ReleaseAsync(CounterBatch batch);
}
