namespace ErrorCatalog.Benchmarks;

/// <summary>Steady state a long-running server reaches by itself.</summary>
internal static class Warm
{
    /// <summary>
    /// Fills <see cref="HeaderValues.Integer"/>'s lazily built table (0..65535), as a server's remaining counts
    /// do over their first windows; afterwards the table costs nothing per request.
    /// </summary>
    public static void IntegerTable()
    {
        for (var i = 0; i < HeaderValues.CachedIntegers; i++)
        {
            _ = HeaderValues.Integer(i);
        }
    }
}
