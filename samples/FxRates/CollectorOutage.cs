namespace FxRates;

/// <summary>A simulated collector outage, relative to when the app started.</summary>
public sealed class CollectorOutage
{
    /// <summary>How long before the app started the collector went down.</summary>
    public TimeSpan DownFor { get; set; }

    /// <summary>How long after the app started it comes back (null: never).</summary>
    public TimeSpan? RecoversAfter { get; set; }
}
