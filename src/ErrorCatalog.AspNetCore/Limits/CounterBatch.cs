namespace ErrorCatalog.Middleware;

/// <summary>
/// All limits of one request, decided together: all admit and all are charged, or the request is refused and
/// nothing is charged. Reused across requests (it lives in the pooled request state); made by
/// <see cref="ICounterStore.CreateBatch"/>, as each store keeps its own state for the batch in a subclass.
/// </summary>
internal abstract class CounterBatch
{
    private CounterItem[] _items = new CounterItem[8];

    public int Count { get; private set; }

    /// <summary>The instant the decision is made for (from <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Now { get; set; }

    /// <summary>The refusing item, or -1.</summary>
    public int RefusedIndex { get; set; } = -1;

    /// <summary>The decision, once a store has made it: no item refused.</summary>
    public bool Admitted => RefusedIndex < 0;

    /// <summary>The batch was admitted with concurrency limits whose leases are held until <see cref="ICounterStore.Release"/>.</summary>
    public bool HasLeases { get; set; }

    /// <summary>The store could not answer (an outage): nothing was decided or charged.</summary>
    public bool Unavailable { get; set; }

    public ref CounterItem this[int index] => ref _items[index];

    public void Add(in LimitEntry entry, long cost, bool overageAllowed)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        // Field by field into the slot (Reset leaves every slot from Count on cleared): assigning a whole new
        // CounterItem would copy a struct with references through the runtime's bulk-copy barrier helper.
        ref var item = ref _items[Count++];
        item.Entry = entry;
        item.Cost = cost;
        item.OverageAllowed = overageAllowed;
    }

    /// <summary>Forgets a decision made (a store judged the batch from what it knew, and will ask after all), keeping the items.</summary>
    public void ClearDecision()
    {
        for (var i = 0; i < Count; i++)
        {
            ref var item = ref _items[i];
            item.Used = 0;
            item.Remaining = 0;
            item.ResetAt = default;
            item.RetryAfter = TimeSpan.Zero;
            item.Refused = false;
            item.Overage = false;
        }

        RefusedIndex = -1;
    }

    /// <summary>Empties the batch for the next request; a store's subclass forgets its own state too.</summary>
    public virtual void Reset()
    {
        Array.Clear(_items, 0, Count);
        Count = 0;
        RefusedIndex = -1;
        HasLeases = false;
        Unavailable = false;
    }
}
