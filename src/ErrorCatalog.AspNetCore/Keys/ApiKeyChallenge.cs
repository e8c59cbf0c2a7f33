using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The <c>WWW-Authenticate</c> field every 401 of the library carries (RFC 9110 15.5.2), built once from where keys
/// are read: <c>ApiKey header="X-API-Key"</c> naming the first key header (with <c>query="api_key"</c> when the
/// query string is accepted), and <c>Bearer</c> (RFC 6750) when <c>Authorization</c> is one of the headers.
/// </summary>
internal sealed class ApiKeyChallenge(ApiKeyReadingOptions options)
{
    /// <summary>The challenges, one field line each.</summary>
    public StringValues Value { get; } = Build(options);

    /// <summary>Sets the field when <paramref name="status"/> is 401; a cached value, so nothing is allocated.</summary>
    public void AddTo(IHeaderDictionary headers, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            headers.WWWAuthenticate = Value;
        }
    }

    private static StringValues Build(ApiKeyReadingOptions options)
    {
        var challenges = new List<string>(2);
        var header = options.EffectiveHeaders.FirstOrDefault(static name => !string.Equals(name, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase));
        var parameters = new List<string>(2);
        if (header is not null)
        {
            parameters.Add($"header={Quote(header)}");
        }

        if (options.QueryParameter is { } query)
        {
            parameters.Add($"query={Quote(query)}");
        }

        if (parameters.Count > 0)
        {
            challenges.Add($"{ApiKeyDefaults.AuthenticationScheme} {string.Join(", ", parameters)}");
        }

        if (options.EffectiveHeaders.Any(static name => string.Equals(name, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase)))
        {
            challenges.Add("Bearer");
        }

        return challenges.Count == 1 ? new StringValues(challenges[0]) : new StringValues([.. challenges]);
    }

    /// <summary>An RFC 9110 quoted-string.</summary>
    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
