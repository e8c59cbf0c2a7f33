using System.Buffers.Binary;

namespace ErrorCatalog.Middleware;

/// <summary>Reads the batch script's reply (layout in <see cref="RedisBatchScript"/>) into the call's requests.</summary>
internal static class RedisBatchReply
{
    /// <summary>Redis's time when the script ran; false when it ran after the call's deadline (nothing decided).</summary>
    public static bool ReadClock(ReadOnlySpan<byte> reply, out long redisTime)
    {
        // A call of releases alone is answered with the time alone; a request's part is at least 9 bytes, so 9 in
        // all can only be the mark of a call past its deadline.
        if (reply.Length < 8)
        {
            throw Unexpected($"answered {reply.Length} bytes");
        }

        redisTime = BinaryPrimitives.ReadInt64LittleEndian(reply);
        return !(reply.Length == 9 && reply[8] == RedisBatchScript.PastDeadline);
    }

    /// <summary>
    /// Reads one request's outcome (from <paramref name="at"/>, moved past it) and judges each item of its part with
    /// <see cref="LimitMath.Evaluate"/>; true when the script admitted (and charged) it.
    /// </summary>
    public static bool ReadRequest(ReadOnlySpan<byte> reply, ref int at, RedisCounterBatch batch, TimeSpan concurrencyRetryAfter)
    {
        var expected = 1;
        for (var i = batch.PartStart; i < batch.PartEnd; i++)
        {
            expected += IsSliding(batch[i].Entry.Limit) ? 16 : 8;
        }

        if (reply.Length - at < expected || reply[at] > 1)
        {
            throw Unexpected($"answered {reply.Length} bytes, or an outcome this version does not know, for request at byte {at}");
        }

        var admitted = reply[at++] == 1;
        var now = batch.Now;
        for (var i = batch.PartStart; i < batch.PartEnd; i++)
        {
            var current = BinaryPrimitives.ReadInt64LittleEndian(reply[at..]);
            at += 8;
            var previous = 0L;
            if (IsSliding(batch[i].Entry.Limit))
            {
                previous = BinaryPrimitives.ReadInt64LittleEndian(reply[at..]);
                at += 8;
            }

            ref var item = ref batch[i];
            LimitMath.Evaluate(ref item, now, current, previous, concurrencyRetryAfter);
            if (item.Entry.Limit.Kind != LimitKind.Concurrency)
            {
                batch.Names[i]!.Observe(admitted ? current + item.Cost : current, previous);
            }
        }

        return admitted;
    }

    /// <summary>
    /// One request of a call decided counter by counter (<see cref="RedisBatchScript.AllAdmitted"/>): admitted, each
    /// item judged on its count before this request, which the call works out from the counts before the call.
    /// </summary>
    public static void ReadAdmitted(RedisCall call, RedisCounterBatch batch, TimeSpan concurrencyRetryAfter)
    {
        var now = batch.Now;
        for (var i = batch.PartStart; i < batch.PartEnd; i++)
        {
            ref var item = ref batch[i];
            var before = call.NextCount(item.Cost);
            LimitMath.Evaluate(ref item, now, before, 0, concurrencyRetryAfter);
            batch.Names[i]!.Observe(before + item.Cost, 0);
        }
    }

    /// <summary>The reply holds nothing after the last request.</summary>
    public static void End(ReadOnlySpan<byte> reply, int at)
    {
        if (at != reply.Length)
        {
            throw Unexpected($"answered {reply.Length} bytes where {at} were expected");
        }
    }

    private static bool IsSliding(LimitDefinition limit) => limit is { Kind: not LimitKind.Concurrency, Sliding: true };

    private static InvalidOperationException Unexpected(string what) =>
        new($"The Redis counter script {what}; is another version of this library sharing the prefix?");
}
