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

    /// <summary>
    /// Edits between the two names, a swap of neighbouring letters counting as one ("por" for "pro"): the optimal
    /// string alignment distance, since transposed letters are the commonest typo.
    /// </summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
