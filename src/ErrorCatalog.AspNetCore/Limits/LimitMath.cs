namespace ErrorCatalog.Middleware;

/// <summary>
/// The decision rules every counter store shares, so memory and Redis admit, refuse and report alike: a store
/// reads the counts, <see cref="Evaluate"/> judges each limit, <see cref="Conclude"/> decides the batch.
/// </summary>
internal static class LimitMath
{
    /// <summary>
    /// Judges one limit from its counts: <paramref name="current"/> is the window's use (or requests in flight),
    /// <paramref name="previous"/> the previous window's use (sliding windows only).
    /// </summary>
    public static void Evaluate(ref CounterItem item, DateTimeOffset now, long current, long previous, TimeSpan concurrencyRetryAfter)
    {
        var limit = item.Entry.Limit;
        if (limit.Kind == LimitKind.Concurrency)
        {
            item.Used = current;
            item.Refused = current + 1 > limit.PermitLimit;
            item.RetryAfter = item.Refused ? concurrencyRetryAfter : TimeSpan.Zero;
            item.ResetAt = now;
            return;
        }

        var (_, start, end) = limit.Window.Get(now);
        EvaluateWindow(ref item, now, start, end, current, previous);
    }

    /// <summary>
    /// Judges one window limit whose window (<paramref name="start"/>, <paramref name="end"/>) the store already has
    /// for <paramref name="now"/>: <see cref="Evaluate"/> without computing it again.
    /// </summary>
    public static void EvaluateWindow(ref CounterItem item, DateTimeOffset now, DateTimeOffset start, DateTimeOffset end, long current, long previous)
    {
        var limit = item.Entry.Limit;
        item.Used = current + (limit.Sliding ? SlidingWeight(previous, start, end, now) : 0);
        item.ResetAt = end;
        if (item.Used + item.Cost > limit.PermitLimit)
        {
            item.Overage = item.OverageAllowed;
            item.Refused = !item.OverageAllowed;
            item.RetryAfter = item.Refused ? RetryAfter(limit, current, previous, item.Cost, start, end, now) : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Picks the refusing limit (the one that admits last, so Retry-After is true) or, when all admit, counts the
    /// charge into every item's use; sets what remains. True when admitted.
    /// </summary>
    public static bool Conclude(CounterBatch batch)
    {
        var refused = -1;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Refused && (refused < 0 || batch[i].RetryAfter > batch[refused].RetryAfter))
            {
                refused = i;
            }
        }

        batch.RefusedIndex = refused;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (refused < 0)
            {
                item.Used += limit.Kind == LimitKind.Concurrency ? 1 : item.Cost;
            }

            item.Remaining = Math.Max(0, limit.PermitLimit - item.Used);
        }

        return refused < 0;
    }

    /// <summary>
    /// Reports one limit from its counts without charging (a usage read): its use now, what remains, when its window
    /// ends (now for a concurrency limit) and whether it is past its permit (overage). The same figures
    /// <see cref="Evaluate"/> and <see cref="Conclude"/> put in the headers, less the charge of a request.
    /// </summary>
    public static void Read(ref CounterItem item, DateTimeOffset now, DateTimeOffset start, DateTimeOffset end, long current, long previous)
    {
        var limit = item.Entry.Limit;
        item.Refused = false;
        item.RetryAfter = TimeSpan.Zero;
        if (limit.Kind == LimitKind.Concurrency)
        {
            item.Used = current;
            item.ResetAt = now;
        }
        else
        {
            item.Used = current + (limit.Sliding ? SlidingWeight(previous, start, end, now) : 0);
            item.ResetAt = end;
        }

        item.Remaining = Math.Max(0, limit.PermitLimit - item.Used);
        item.Overage = item.Used > limit.PermitLimit;
    }

    /// <summary>The previous window's use, weighted by how much of it the sliding window still covers.</summary>
    public static long SlidingWeight(long previous, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (previous == 0)
        {
            return 0;
        }

        var elapsed = (double)(now - start).Ticks / (end - start).Ticks;
        return (long)Math.Ceiling(previous * (1 - elapsed));
    }

    /// <summary>The true time until this limit admits <paramref name="cost"/> again.</summary>
    private static TimeSpan RetryAfter(LimitDefinition limit, long current, long previous, long cost, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (!limit.Sliding)
        {
            return end - now;
        }

        // previous * (1 - f) + current + cost <= permit, solved for the fraction f of the window.
        var period = (end - start).Ticks;
        var room = limit.PermitLimit - current - cost;
        if (room >= 0 && previous > 0)
        {
            var fraction = 1 - ((double)room / previous);
            return TimeSpan.FromTicks(Math.Max(0, (long)(fraction * period) - (now - start).Ticks));
        }

        // Not before this window ends; then this window's use slides out as the next one goes on.
        var next = current == 0 ? 0 : Math.Max(0, 1 - ((double)(limit.PermitLimit - cost) / current));
        return (end - now) + TimeSpan.FromTicks((long)(next * period));
    }
}
