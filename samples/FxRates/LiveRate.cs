namespace FxRates;

/// <summary>A live rate and its age.</summary>
public sealed record LiveRate(string Pair, decimal Rate, DateTime Timestamp, long AgeSeconds);
