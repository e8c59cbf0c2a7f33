namespace ErrorCatalog.Middleware;

/// <summary>The ranges numeric settings are checked against at start-up, each with the reason for its bound.</summary>
internal static class SettingBounds
{
    /// <summary>
    /// The largest permit (plan limit, subscription or key override). Counts are summed with costs and overage, and
    /// the Redis store counts in Lua numbers (doubles, exact to 2^53, about 9 * 10^15): a larger permit could be
    /// passed without the sums staying exact.
    /// </summary>
    public const long MaxPermit = 1_000_000_000_000_000;

    /// <summary>
    /// The largest credit cost (default credits, JSON-RPC method costs): a batch of calls in one body adds costs up,
    /// and the sum must stay far from overflow (a wrapped, negative sum would refund credits).
    /// </summary>
    public const long MaxCost = 1_000_000_000;

    /// <summary>
    /// The most JSON-RPC body bytes read to find the methods (32 MiB): the cost reader holds them per request, and
    /// Kestrel's default request body limit (about 28.6 MiB) is below it.
    /// </summary>
    public const int MaxJsonRpcBodyBytes = 32 * 1024 * 1024;

    /// <summary>The longest delay setting (Retry-After, retention, cache and lease durations): beyond a day none is meant.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);
}
