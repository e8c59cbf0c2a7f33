namespace ErrorCatalog.Benchmarks;

/// <summary>
/// A clock the benchmarks move by hand, as cheap to read as the system's (FakeTimeProvider takes a lock per read,
/// which would add to every decision what the built-in baseline does not pay). Timestamps and timers are the system's.
/// </summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
