namespace ErrorCatalog.Middleware;

/// <summary>A batch of the <see cref="InMemoryCounterStore"/>: beside each item, the partition its counter lives in.</summary>
internal sealed class InMemoryCounterBatch : CounterBatch
{
    private CounterPartition?[] _partitions = new CounterPartition?[8];

    /// <summary>Each item's partition, from <see cref="InMemoryCounterStore.Acquire"/> on (kept to release a lease or refund).</summary>
    public CounterPartition?[] Partitions => _partitions;

    /// <summary>The partition of item <paramref name="index"/>, or null when the batch has not been decided.</summary>
    public CounterPartition? PartitionAt(int index) => index < _partitions.Length ? _partitions[index] : null;

    /// <summary>Room for a partition per item.</summary>
    public void EnsureCapacity()
    {
        if (_partitions.Length < Count)
        {
            Array.Resize(ref _partitions, Math.Max(Count, _partitions.Length * 2));
        }
    }

    public override void Reset()
    {
        Array.Clear(_partitions, 0, Math.Min(Count, _partitions.Length));
        base.Reset();
    }
}
