namespace ErrorCatalog.Middleware;

/// <summary>The two halves of <see cref="ICounterStore"/> as one awaitable, for callers off the hot path.</summary>
internal static class CounterStoreExtensions
{
    /// <summary>Decides the batch; true when admitted.</summary>
    /// <exception cref="CounterStoreUnavailableException">The store cannot answer.</exception>
    public static ValueTask<bool> AcquireAsync(this ICounterStore store, CounterBatch batch)
    {
        var pending = store.Begin(batch);
        return pending is null ? new(batch.Admitted) : AwaitAsync(store, batch, pending);
    }

    private static async ValueTask<bool> AwaitAsync(ICounterStore store, CounterBatch batch, Task? pending)
    {
        while (pending is not null)
        {
            // Complete reads the outcome, faults included.
            await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            pending = store.Complete(batch, pending);
        }

        return batch.Admitted;
    }
}
