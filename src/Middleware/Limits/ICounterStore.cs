namespace ErrorCatalog.Middleware;

/// <summary>
/// Where counters live. One call decides and charges a request's whole batch, so a remote store (Redis) does
/// it in one round trip with the same all-or-nothing rule as memory.
/// </summary>
/// <remarks>
/// Split in two (<see cref="Begin"/>, <see cref="Complete"/>) rather than one async method so the caller awaits the
/// store's own pending task in the caller's state machine: a waiting decision then costs no state machine of the
/// store's per request. <see cref="CounterStoreExtensions.AcquireAsync"/> joins the two for callers off the hot path.
/// </remarks>
internal interface ICounterStore
{
    /// <summary>
    /// Decides the batch at <see cref="CounterBatch.Now"/> and fills every item's result (the decision is
    /// <see cref="CounterBatch.Admitted"/>), returning null; or, for a store that waits for an answer, starts it and
    /// returns what to wait for. Once that task has completed, whatever its outcome, <see cref="Complete"/> reads it.
    /// </summary>
    /// <exception cref="CounterStoreUnavailableException">The store cannot answer.</exception>
    Task? Begin(CounterBatch batch);

    /// <summary>Reads a completed <paramref name="pending"/> task: null when decided, or another task to wait for (a retry).</summary>
    /// <exception cref="CounterStoreUnavailableException">The store cannot answer.</exception>
    Task? Complete(CounterBatch batch, Task pending);

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
}
