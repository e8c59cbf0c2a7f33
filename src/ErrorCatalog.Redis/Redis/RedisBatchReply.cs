using System.Buffers.Binary;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>Reads the batch script's reply (layout in <see cref="RedisBatchScript"/>) into the batch.</summary>
internal static class RedisBatchReply
{
    /// <summary>Every limit admitted: all charged.</summary>
    public const int Admitted = 1;

    /// <summary>Redis ran the call after its deadline: it did nothing but its releases.</summary>
    public const int PastDeadline = 2;

    /// <summary>
    /// Reads the reply into the batch's items: <see cref="Admitted"/>, 0 refused or <see cref="PastDeadline"/> (the
    /// items untouched); and Redis's time when the script ran.
    /// </summary>
    public static int Read(RespResult reply, CounterBatch batch, TimeSpan concurrencyRetryAfter, out long redisTime)
    {
        var reader = reply.ReadScalar();
        if (!reader.TryGetSpan(out var bytes))
        {
            throw new InvalidOperationException("The Redis counter script answered a reply that is not one string.");
        }

        var outcome = bytes.Length > 0 ? bytes[0] : -1;
        var expected = 9;
        if (outcome == 0 || outcome == Admitted)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                expected += batch[i].Entry.Limit is { Kind: not LimitKind.Concurrency, Sliding: true } ? 16 : 8;
            }
        }
        else if (outcome != PastDeadline)
        {
            throw new InvalidOperationException($"The Redis counter script answered outcome {outcome}, which this version does not know.");
        }

        if (bytes.Length != expected)
        {
            throw new InvalidOperationException($"The Redis counter script answered {bytes.Length} bytes where {expected} were expected.");
        }

        redisTime = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
        if (outcome == PastDeadline)
        {
            return outcome;
        }

        var now = batch.Now;
        var at = 9;
        for (var i = 0; i < batch.Count; i++)
        {
            var current = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
            at += 8;
            var previous = 0L;
            if (batch[i].Entry.Limit is { Kind: not LimitKind.Concurrency, Sliding: true })
            {
                previous = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
                at += 8;
            }

            LimitMath.Evaluate(ref batch[i], now, current, previous, concurrencyRetryAfter);
        }

        return outcome;
    }
}
