namespace CoinApi.Node;

/// <summary>A block of the sample's chain.</summary>
public sealed record Block(long Height, string Hash);
