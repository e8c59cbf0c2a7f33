namespace ErrorCatalog.Middleware;

/// <summary>The "did you mean" of start-up errors: the known name an unknown one most likely misspells.</summary>
internal static class ClosestName
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/> ignoring case, when it is near enough to read as a misspelling
    /// (a quarter of the name's letters, at least one); otherwise null.
    /// </summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Distance(name.ToUpperInvariant(), c.ToUpperInvariant()))).MinBy(static c => c.Distance);
        return best.Name is not null && best.Distance <= Math.Max(1, name.Length / 4) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
