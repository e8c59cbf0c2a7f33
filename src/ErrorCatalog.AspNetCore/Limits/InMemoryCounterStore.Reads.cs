namespace ErrorCatalog.Middleware;

/// <summary>Usage reads: a partition's counters as a decision would see them, without charging or creating anything.</summary>
internal sealed partial class InMemoryCounterStore
{
    /// <summary>Reads at once: memory never makes the caller wait.</summary>
    public ValueTask ReadAsync(CounterBatch batch, CancellationToken cancellationToken)
    {
        ReadKnown(batch);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Reads each item under its partition's lock (as a decision holds it), so a read never sees a half-charged
    /// request; items of different partitions are read one after the other, as a report needs no more.
    /// </summary>
    public void ReadKnown(CounterBatch batch)
    {
        var now = batch.Now;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            var (_, start, end) = limit.Kind == LimitKind.Concurrency ? default : limit.Window.Get(now);
            long current = 0, previous = 0;
            var at = now;
            if (_partitions.Find(item.Entry) is { } partition)
            {
                lock (partition)
                {
                    var offset = partition.Layout.Find(limit.CounterName, CounterPartition.WidthOf(limit));
                    if (!partition.Removed && offset >= 0)
                    {
                        (current, previous) = ReadValues(partition.Values(), offset, limit, ref start, ref end, ref at);
                    }
                }
            }

            LimitMath.Read(ref item, at, start, end, current, previous);
        }

        batch.RefusedIndex = -1;
    }

    /// <summary>
    /// A counter's use and its previous window's, read as <see cref="Decide"/> would roll them to the window of
    /// <paramref name="at"/>: a partition still in the window before counts that one as the previous, and one ahead
    /// of <paramref name="at"/> (a decision stamped later raced this read) is read in its own window, at its start.
    /// </summary>
    private static (long Current, long Previous) ReadValues(PartitionValues values, int offset, LimitDefinition limit, ref DateTimeOffset start, ref DateTimeOffset end, ref DateTimeOffset at)
    {
        if (limit.Kind == LimitKind.Concurrency)
        {
            return (values[offset], 0);
        }

        var windowEnd = values[offset];
        if (windowEnd == end.UtcTicks)
        {
            return (values[offset + 1], limit.Sliding ? values[offset + 2] : 0);
        }

        if (windowEnd == start.UtcTicks)
        {
            return (0, limit.Sliding ? values[offset + 1] : 0);
        }

        if (windowEnd > end.UtcTicks && IsNextWindow(limit, end, windowEnd))
        {
            (_, start, end) = limit.Window.Get(new DateTimeOffset(windowEnd - 1, TimeSpan.Zero));
            at = start;
            return (values[offset + 1], limit.Sliding ? values[offset + 2] : 0);
        }

        return (0, 0);
    }
}
