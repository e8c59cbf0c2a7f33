using ErrorCatalog.Middleware;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// The security schemes of the configured key reading: one per header (<c>ApiKey</c> for the first; a bearer scheme
/// for <c>Authorization</c>) and <c>ApiKeyQuery</c> for the query parameter, when set.
/// </summary>
internal static class ApiKeySchemes
{
    public const string HeaderScheme = "ApiKey";
    public const string QueryScheme = "ApiKeyQuery";

    /// <summary>Adds the schemes to <paramref name="document"/> once; returns their ids, the first header's first.</summary>
    public static List<string> Ensure(OpenApiDocument document, ApiKeyReadingOptions reading)
    {
        var ids = new List<string>();
        var headers = reading.EffectiveHeaders;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var id = i == 0 ? HeaderScheme : $"{HeaderScheme}.{Sanitize(header)}";
            var bearer = string.Equals(header, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase);
            Add(document, id, bearer
                ? new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The API key as a bearer token: Authorization: Bearer <key>." }
                : new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = header, Description = $"The API key in the {header} header." });
            ids.Add(id);
        }

        if (reading.QueryParameter is { Length: > 0 } parameter)
        {
            Add(document, QueryScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = parameter,
                Description = $"The API key in the {parameter} query parameter (URLs end up in logs: prefer the header).",
            });
            ids.Add(QueryScheme);
        }

        return ids;
    }

    private static void Add(OpenApiDocument document, string id, OpenApiSecurityScheme scheme)
    {
        if (document.Components?.SecuritySchemes?.ContainsKey(id) != true)
        {
            document.AddComponent<IOpenApiSecurityScheme>(id, scheme);
        }
    }

    private static string Sanitize(string name) =>
        string.Concat(name.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
}
