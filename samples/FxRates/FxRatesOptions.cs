namespace FxRates;

/// <summary>The <c>FxRates</c> configuration section: freshness and simulated collector outages.</summary>
public sealed class FxRatesOptions
{
    /// <summary>Data older than this is stale: <c>/v1/rates/live</c> answers 503 unless <c>max_age</c> allows it. Default 10 min.</summary>
    public TimeSpan FreshnessThreshold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retry-After of a stale-data 503. Default 60 s ("retry in 60 seconds").</summary>
    public TimeSpan StaleRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Collectors that are down, by name (<c>lseg</c>, <c>borsa</c>).</summary>
    public Dictionary<string, CollectorOutage> Outages { get; set; } = new(StringComparer.Ordinal);
}
