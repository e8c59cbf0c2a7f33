using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Usage reads of the <see cref="RedisCounterStore"/>, apart from its decision path: a batch's counters read by
/// <see cref="RedisReadScript"/> (one call per cluster slot, sent together: a key's counters and its subscription's
/// share one, the client IP's lives in another), then reported with <see cref="LimitMath.Read"/> as memory reports
/// them. Off the request path: a read allocates its call's arguments, never a key name (the store's cache has them).
/// </summary>
internal sealed class RedisCounterReader(IDatabase database, RedisKeyNames keys, RedisOutage outage)
{
    public async ValueTask ReadAsync(CounterBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var names = Names(batch);
        var replies = new Task<RedisResult>[batch.Count];
        var calls = 0;
        try
        {
            for (var start = 0; start < batch.Count;)
            {
                var end = start + 1;
                while (end < batch.Count && names[end].Slot == names[start].Slot)
                {
                    end++;
                }

                replies[calls++] = Send(batch, names, start, end);
                start = end;
            }

            await Task.WhenAll(replies.AsSpan(0, calls)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            throw outage.Failed(ex);
        }

        var call = 0;
        var at = 0;
        var reply = (RedisResult[])replies[0].Result!;
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0 && names[i].Slot != names[i - 1].Slot)
            {
                reply = (RedisResult[])replies[++call].Result!;
                at = 0;
            }

            var limit = batch[i].Entry.Limit;
            var current = (long)reply[at++];
            var previous = limit.Sliding ? (long)reply[at++] : 0;
            Report(batch, i, current, previous);
        }

        batch.RefusedIndex = -1;
    }

    /// <summary>
    /// What the replies of this window last showed (charges of every instance up to then), without asking Redis: a
    /// counter with no figure in this window, and a lease set (replies do not carry them), reads 0.
    /// </summary>
    public void ReadKnown(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var limit = batch[i].Entry.Limit;
            var names = limit.Kind == LimitKind.Concurrency ? null : keys.Get(batch[i].Entry, limit.Window.Get(batch.Now).Index);
            var known = names is { IsKnown: true };
            Report(batch, i, known ? names!.Known : 0, known && limit.Sliding ? names!.KnownPrevious : 0);
        }

        batch.RefusedIndex = -1;
    }

    private static void Report(CounterBatch batch, int index, long current, long previous)
    {
        ref var item = ref batch[index];
        var limit = item.Entry.Limit;
        var (_, start, end) = limit.Kind == LimitKind.Concurrency ? default : limit.Window.Get(batch.Now);
        LimitMath.Read(ref item, batch.Now, start, end, current, previous);
    }

    /// <summary>Each item's names in the read's window, as a decision at the same instant would name them.</summary>
    private RedisNames[] Names(CounterBatch batch)
    {
        var names = new RedisNames[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var limit = batch[i].Entry.Limit;
            names[i] = keys.Get(batch[i].Entry, limit.Kind == LimitKind.Concurrency ? -1 : limit.Window.Get(batch.Now).Index);
        }

        return names;
    }

    private Task<RedisResult> Send(CounterBatch batch, RedisNames[] names, int start, int end)
    {
        var keyCount = 0;
        for (var i = start; i < end; i++)
        {
            keyCount += batch[i].Entry.Limit.Sliding ? 2 : 1;
        }

        var redisKeys = new RedisKey[keyCount];
        var values = new RedisValue[keyCount + 1];
        values[0] = batch.Now.ToUnixTimeMilliseconds();
        var k = 0;
        for (var i = start; i < end; i++)
        {
            var limit = batch[i].Entry.Limit;
            values[k + 1] = limit.Kind == LimitKind.Concurrency ? "l" : "w";
            redisKeys[k++] = names[i].Current;
            if (limit.Sliding)
            {
                values[k + 1] = "w";
                redisKeys[k++] = names[i].Previous;
            }
        }

        return database.ScriptEvaluateAsync(RedisReadScript.Source, redisKeys, values);
    }
}
