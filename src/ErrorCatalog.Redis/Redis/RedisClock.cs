namespace ErrorCatalog.Middleware;

/// <summary>
/// Redis's clock as seen from this process: the offset from <see cref="Environment.TickCount64"/> (monotonic, so
/// this process's own clock changes do not move it) to Redis's <c>TIME</c> in unix milliseconds, learnt from the
/// script's replies. It lets a call carry a deadline in Redis's time without a round trip to ask for it.
/// </summary>
/// <remarks>
/// A sample (Redis's time when the script ran, minus the tick when the call was sent) is the true offset plus the
/// call's transit and queueing, never less; the estimate is the smallest sample of this second and the last, so
/// one slow call does not move it. An estimate that is too large moves a deadline later, the safe side (a late call
/// may still charge, as without a deadline). One that is too small (Redis's clock stepped ahead, or this host was
/// suspended) is found by a reply that says "past its deadline" sooner than the deadline could have passed:
/// <see cref="Reset"/> then takes that reply's sample alone.
/// </remarks>
internal sealed class RedisClock
{
    /// <summary>No sample yet: calls carry no deadline.</summary>
    public const long Unknown = long.MaxValue;

    private const long BucketMilliseconds = 1000;

    private readonly Lock _lock = new();
    private long _bucket = -1;
    private long _current = Unknown;
    private long _previous = Unknown;

    /// <summary>Redis's unix milliseconds minus <see cref="Environment.TickCount64"/>, or <see cref="Unknown"/>.</summary>
    public long Offset => Math.Min(Volatile.Read(ref _current), Volatile.Read(ref _previous));

    /// <summary>
    /// Forgets the estimate for one sample: a reply said its call ran past the deadline, yet came back before the
    /// deadline could have passed, so the estimate was too small.
    /// </summary>
    public void Reset(long redisMilliseconds, long sentTick, long nowTick)
    {
        lock (_lock)
        {
            Volatile.Write(ref _previous, Unknown);
            Volatile.Write(ref _current, redisMilliseconds - sentTick);
            Volatile.Write(ref _bucket, nowTick / BucketMilliseconds);
        }
    }

    /// <summary>A reply: Redis's time when the script ran, the tick when the call was sent, and the tick now.</summary>
    public void Observe(long redisMilliseconds, long sentTick, long nowTick)
    {
        var sample = redisMilliseconds - sentTick;
        var bucket = nowTick / BucketMilliseconds;
        if (bucket == Volatile.Read(ref _bucket))
        {
            // The hot path: lowered without a lock. A sample that lands just after the bucket turned is still a
            // true upper bound of the offset, so the race is harmless.
            long seen;
            while (sample < (seen = Volatile.Read(ref _current)) && Interlocked.CompareExchange(ref _current, sample, seen) != seen)
            {
            }

            return;
        }

        lock (_lock)
        {
            if (bucket > _bucket)
            {
                // Once a second: the last bucket counts only if it was the one just before.
                Volatile.Write(ref _previous, bucket == _bucket + 1 ? _current : Unknown);
                Volatile.Write(ref _current, sample);
                Volatile.Write(ref _bucket, bucket);
            }
            else if (sample < _current)
            {
                Volatile.Write(ref _current, sample);
            }
        }
    }
}
