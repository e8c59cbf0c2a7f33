using System.Text;
using System.Text.Json;

namespace ErrorCatalog;

/// <summary>
/// Validation errors keyed by the names clients send: the framework's minimal-API validation keys them by C# member
/// (<c>PriceUsd</c>, <c>Items[0].Name</c>); the app's JSON naming policy turns each member into its JSON name
/// (<c>priceUsd</c>, <c>items[0].name</c>), indexes kept, so <c>$details</c> names the fields of the body.
/// </summary>
internal static class ValidationErrorKeys
{
    public static IDictionary<string, string[]> ToJsonNames(IDictionary<string, string[]> errors, JsonNamingPolicy? policy)
    {
        if (policy is null || errors.Count == 0)
        {
            return errors;
        }

        var renamed = new Dictionary<string, string[]>(errors.Count, StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var name = Convert(key, policy);
            renamed[name] = renamed.TryGetValue(name, out var earlier) ? [.. earlier, .. messages] : messages;
        }

        return renamed;
    }

    /// <summary>Converts each member of a path (<c>a.b[0].c</c>), leaving separators and indexes as they are.</summary>
    internal static string Convert(string key, JsonNamingPolicy policy)
    {
        var text = new StringBuilder(key.Length);
        var start = 0;
        for (var i = 0; i <= key.Length; i++)
        {
            if (i < key.Length && key[i] is not ('.' or '[' or ']'))
            {
                continue;
            }

            var segment = key[start..i];
            var isIndex = start > 0 && key[start - 1] == '[';
            text.Append(segment.Length == 0 || isIndex ? segment : policy.ConvertName(segment));
            if (i < key.Length)
            {
                text.Append(key[i]);
            }

            start = i + 1;
        }

        return text.ToString();
    }
}
