namespace ErrorCatalog.Client.Resilience;

/// <summary>
/// The instant until which the API said nothing more is admitted (Remaining 0 until the reset, or a 429's wait),
/// shared by every request through one handler so concurrent callers wait too.
/// </summary>
internal sealed class ResetGate
{
    private long _closedUntilTicks;

    public DateTimeOffset? ClosedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _closedUntilTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Closes the gate until <paramref name="until"/> unless it is already closed longer.</summary>
    public void CloseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _closedUntilTicks);
            if (current >= ticks)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _closedUntilTicks, ticks, current) != current);
    }

    /// <summary>Opens the gate: a response admitted with requests remaining says the window has room again.</summary>
    public void Open() => Interlocked.Exchange(ref _closedUntilTicks, 0);
}
