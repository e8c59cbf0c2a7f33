using Microsoft.Extensions.Options;

namespace FxRates;

/// <summary>
/// The sample's data, in memory: each pair's rate and the collector that feeds it. A collector that is up refreshed
/// its pairs within the last 5 seconds; one that is down (see <see cref="FxRatesOptions.Outages"/>) left them at the
/// time it went down. "Now" is the app's <see cref="TimeProvider"/>, so tests move it.
/// </summary>
public sealed class RateBook
{
    /// <summary>How often a collector that is up refreshes its pairs.</summary>
    public static readonly TimeSpan UpdateInterval = TimeSpan.FromSeconds(5);

    /// <summary>The first day with historical data.</summary>
    public static readonly DateOnly FirstDay = new(2020, 1, 1);

    private static readonly Dictionary<string, (decimal Rate, string Collector)> Pairs = new(StringComparer.Ordinal)
    {
        ["EURUSD"] = (1.0842m, "lseg"),
        ["GBPUSD"] = (1.2710m, "lseg"),
        ["USDJPY"] = (151.37m, "lseg"),
        ["USDCHF"] = (0.8812m, "lseg"),
        ["AUDUSD"] = (0.6563m, "lseg"),
        ["USDTRY"] = (32.41m, "borsa"),
    };

    private readonly TimeProvider _time;
    private readonly FxRatesOptions _options;
    private readonly DateTimeOffset _started;

    public RateBook(TimeProvider time, IOptions<FxRatesOptions> options)
    {
        _time = time;
        _options = options.Value;
        _started = time.GetUtcNow();
    }

    public TimeSpan FreshnessThreshold => _options.FreshnessThreshold;

    public TimeSpan StaleRetryAfter => _options.StaleRetryAfter;

    public DateTimeOffset Now => _time.GetUtcNow();

    public IEnumerable<string> AllPairs => Pairs.Keys;

    public static bool IsKnown(string pair) => Pairs.ContainsKey(pair);

    public static string CollectorOf(string pair) => Pairs[pair].Collector;

    /// <summary>The pair's latest rate and when its collector last updated it.</summary>
    public (decimal Rate, DateTimeOffset UpdatedAt) Live(string pair)
    {
        var (rate, collector) = Pairs[pair];
        return (rate, LastUpdate(collector));
    }

    /// <summary>When <paramref name="collector"/> last updated its pairs, and whether it is up now.</summary>
    public DateTimeOffset LastUpdate(string collector) => IsDown(collector, out var since) ? since : Floor(Now, UpdateInterval);

    /// <summary>Whether <paramref name="collector"/> is down, and since when.</summary>
    public bool IsDown(string collector, out DateTimeOffset since)
    {
        since = default;
        if (!_options.Outages.TryGetValue(collector, out var outage))
        {
            return false;
        }

        since = Floor(_started - outage.DownFor, UpdateInterval);
        return outage.RecoversAfter is not { } recovers || Now < _started + recovers;
    }

    /// <summary>
    /// The pair's closes of <paramref name="day"/>: one for <c>1d</c>, 24 for <c>1h</c>; empty when there is no
    /// data for that day (a weekend, before <see cref="FirstDay"/>, or a day not closed yet).
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Timestamp, decimal Rate)> History(string pair, DateOnly day, bool hourly)
    {
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        if (day < FirstDay || day >= today || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return [];
        }

        var rate = Pairs[pair].Rate;
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var points = new List<(DateTimeOffset, decimal)>();
        for (var hour = hourly ? 0 : 23; hour < 24; hour++)
        {
            // A gentle, deterministic wave around the live rate.
            var wave = (decimal)Math.Sin((day.DayNumber * 24) + hour) * 0.004m;
            points.Add((start.AddHours(hour + 1), decimal.Round(rate * (1 + wave), 4)));
        }

        return points;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step) =>
        new(time.UtcTicks - (time.UtcTicks % step.Ticks), TimeSpan.Zero);
}
