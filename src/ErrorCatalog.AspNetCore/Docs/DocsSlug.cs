using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// An entry's docs slug, read back from its <c>type</c> URI: the generator builds the URI as <c>typeBase</c> plus the
/// slug (errors.yaml's <c>docs:</c>, default the code in kebab case), so the last path segment, or the fragment after a
/// <c>#</c> base, is the slug whether the base is relative (<c>/errors/</c>) or another site's.
/// </summary>
internal static class DocsSlug
{
    public static string For(ErrorDescriptor error)
    {
        var type = error.Type;
        var hash = type.IndexOf('#', StringComparison.Ordinal);
        var slug = hash >= 0 ? type[(hash + 1)..] : LastSegment(type);
        slug = Uri.UnescapeDataString(slug);
        return slug.Length == 0 || type == "about:blank" || !IsSafe(slug) ? FromCode(error.Code) : slug;
    }

    /// <summary>What the generator derives when an entry names no slug: <c>RATE_LIMITED</c> reads <c>rate-limited</c>.</summary>
    public static string FromCode(string code) => code.ToLowerInvariant().Replace('_', '-');

    /// <summary>The relative type URI of an entry served by the docs at <paramref name="pattern"/>.</summary>
    public static string Url(string pattern, string slug) => pattern.TrimEnd('/') + "/" + Uri.EscapeDataString(slug);

    private static string LastSegment(string type)
    {
        var end = type.AsSpan().IndexOfAny('?', '#') is var stop and >= 0 ? stop : type.Length;
        var path = type.AsSpan(0, end).TrimEnd('/');
        return path[(path.LastIndexOf('/') + 1)..].ToString();
    }

    // A slug is one path segment and a file name in the export: no separators, no dot segments.
    private static bool IsSafe(string slug) =>
        slug is not "." and not ".." && slug.AsSpan().IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) < 0;
}
