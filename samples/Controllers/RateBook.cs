using System.Collections.Concurrent;

namespace ControllersSample;

/// <summary>The rates this sample serves, and the alerts clients set on them (in memory).</summary>
public sealed class RateBook
{
    private readonly Dictionary<string, decimal> _rates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR-USD"] = 1.0842m,
        ["GBP-USD"] = 1.2710m,
    };

    private readonly ConcurrentDictionary<(string Pair, decimal Threshold), Alert> _alerts = new();

    /// <summary>The pairs served.</summary>
    public IEnumerable<string> Pairs => _rates.Keys;

    /// <summary>The rate of <paramref name="pair"/>, or null when it is not served.</summary>
    public Rate? Find(string pair) => _rates.TryGetValue(pair, out var rate) ? new Rate(pair.ToUpperInvariant(), rate) : null;

    /// <summary>Adds an alert; false when the same one exists.</summary>
    public bool TryAdd(string pair, decimal threshold, out Alert alert)
    {
        alert = new Alert(Guid.NewGuid().ToString("N"), pair.ToUpperInvariant(), threshold);
        return _alerts.TryAdd((alert.Pair, threshold), alert);
    }
}

/// <summary>A rate.</summary>
public sealed record Rate(string Pair, decimal Value);

/// <summary>A rate with its bid and ask.</summary>
public sealed record Spread(string Pair, decimal Bid, decimal Ask);

/// <summary>An alert on a pair's rate.</summary>
public sealed record Alert(string Id, string Pair, decimal Threshold);
