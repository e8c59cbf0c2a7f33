using System.Buffers.Binary;
using System.Diagnostics;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Parts of a request in different cluster slots: decided one after the other, the key's slot first, with what an
/// earlier slot charged given back when a later one refuses or fails.
/// </summary>
internal sealed partial class RedisCounterStore
{
    /// <summary>
    /// A lane's call decided the batch's current part: the next slot's part goes to its lane, or the batch is
    /// decided. A refused part gives back what earlier parts charged.
    /// </summary>
    internal void PartDecided(RedisCounterBatch batch, bool admitted)
    {
        if (admitted && batch.PartStart > 0)
        {
            batch.PartEnd = batch.PartStart;
            batch.PartStart = RunStart(batch, batch.PartEnd);
            LaneOf(batch.Names[batch.PartStart]!).Submit(batch);
            return;
        }

        if (!admitted)
        {
            GiveBack(batch, batch.PartEnd, batch.Count);
        }

        // Items of slots never asked (a refusal came first) report what this instance last learnt of them.
        for (var i = 0; i < batch.PartStart; i++)
        {
            if (batch.Names[i] is { IsKnown: true } names && batch[i].Entry.Limit.Kind != LimitKind.Concurrency)
            {
                LimitMath.Evaluate(ref batch[i], batch.Now, names.Known, names.KnownPrevious, ConcurrencyRetryAfter);
            }
        }

        if (LimitMath.Conclude(batch) && batch.LeaseId != 0)
        {
            batch.HasLeases = true;
        }

        batch.Complete(null);
    }

    /// <summary>The batch's current part could not be decided: earlier parts' charges go back, and the caller gets the failure.</summary>
    internal void PartFailed(RedisCounterBatch batch, Exception failure)
    {
        GiveBack(batch, batch.PartEnd, batch.Count);
        batch.Complete(failure);
    }

    /// <summary>Takes back, fire-and-forget, what the admitted items from <paramref name="from"/> to <paramref name="to"/> charged.</summary>
    private void GiveBack(RedisCounterBatch batch, int from, int to)
    {
        if (from >= to)
        {
            return;
        }

        var keys = new RedisKey[to - from];
        var values = new RedisValue[2 * (to - from)];
        for (var i = from; i < to; i++)
        {
            ref var item = ref batch[i];
            var names = batch.Names[i]!;
            keys[i - from] = names.Current;
            if (item.Entry.Limit.Kind == LimitKind.Concurrency)
            {
                var member = new byte[RedisBatchScript.MemberSize];
                BinaryPrimitives.WriteInt64LittleEndian(member, batch.LeaseId);
                values[2 * (i - from)] = "l";
                values[(2 * (i - from)) + 1] = member;
            }
            else
            {
                names.GiveBack(item.Cost);
                values[2 * (i - from)] = "w";
                values[(2 * (i - from)) + 1] = item.Cost;
            }
        }

        try
        {
            _database.ScriptEvaluate(RedisGiveBackScript.Source, keys, values, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            // An outage in that slot: the charge stays until its window ends (the lease until its timeout).
        }
    }

    /// <summary>Where the run of items ending before <paramref name="end"/> that share the last one's slot starts.</summary>
    private static int RunStart(RedisCounterBatch batch, int end)
    {
        var slot = batch.Names[end - 1]!.Slot;
        var start = end - 1;
        while (start > 0 && batch.Names[start - 1]!.Slot == slot)
        {
            start--;
        }

        return start;
    }

    private RedisLane LaneOf(RedisNames names)
    {
        if (!_cluster)
        {
            return _lane;
        }

        var slot = names.Slot;
        return Volatile.Read(ref _slotLanes[slot]) ?? Interlocked.CompareExchange(ref _slotLanes[slot], new RedisLane(this), null) ?? _slotLanes[slot]!;
    }

    /// <summary>
    /// Whether a connected server says it is a cluster node. While none is connected the last answer stands: a store
    /// that flipped to a single lane during an outage would send a cluster's keys of several slots in one call.
    /// </summary>
    private bool IsCluster()
    {
        foreach (var endpoint in _connection.GetEndPoints())
        {
            var server = _connection.GetServer(endpoint);
            if (server.IsConnected)
            {
                return server.ServerType == ServerType.Cluster;
            }
        }

        return _cluster;
    }
}
