using ErrorCatalog.Middleware;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi;

/// <summary>The headers the middleware sets: the configured profiles' rate-limit headers, Retry-After, WWW-Authenticate.</summary>
internal static class ResponseHeaders
{
    /// <summary>Adds the rate-limit headers of <paramref name="profiles"/> (what <c>RateLimitHeaderWriter</c> writes).</summary>
    public static void AddRateLimit(IDictionary<string, IOpenApiHeader> headers, RateLimitHeaderProfiles profiles)
    {
        if ((profiles & RateLimitHeaderProfiles.XRateLimit) != 0)
        {
            Add(headers, RateLimitHeaderWriter.XLimit, JsonSchemaType.Integer, "Requests allowed in the tightest window that applies.");
            Add(headers, RateLimitHeaderWriter.XRemaining, JsonSchemaType.Integer, "Requests left in that window.");
            Add(headers, RateLimitHeaderWriter.XReset, JsonSchemaType.Integer, "When that window resets, in unix seconds.");
        }

        if ((profiles & RateLimitHeaderProfiles.Ietf) != 0)
        {
            Add(headers, RateLimitHeaderWriter.Policy, JsonSchemaType.String, "Every limit that applies, as IETF RateLimit-Policy items: \"name\";q=quota;w=window seconds.");
            Add(headers, RateLimitHeaderWriter.Current, JsonSchemaType.String, "Each limit's state, as IETF RateLimit items: \"name\";r=remaining;t=seconds to reset.");
        }

        if ((profiles & RateLimitHeaderProfiles.UnitsLimit) != 0)
        {
            Add(headers, RateLimitHeaderWriter.UnitsOverage, JsonSchemaType.String, "Whether the key may go over its credit quota (\"disabled\" when not).");
            Add(headers, RateLimitHeaderWriter.UnitsAllocated, JsonSchemaType.Integer, "Credits in the tightest credit quota.");
            Add(headers, RateLimitHeaderWriter.UnitsUsed, JsonSchemaType.Integer, "Credits used in it.");
            Add(headers, RateLimitHeaderWriter.UnitsRemaining, JsonSchemaType.Integer, "Credits left in it.");
        }
    }

    /// <summary>Retry-After, sent on every limit and outage refusal (in place of an entry's own declaration of it).</summary>
    public static void AddRetryAfter(IDictionary<string, IOpenApiHeader> headers)
    {
        headers.Remove(HeaderNames.RetryAfter);
        Add(headers, HeaderNames.RetryAfter, JsonSchemaType.Integer, "Seconds to wait before a retry can succeed.", required: true);
    }

    public static void AddChallenge(IDictionary<string, IOpenApiHeader> headers) =>
        Add(headers, HeaderNames.WWWAuthenticate, JsonSchemaType.String, "How to send a key.");

    /// <summary>A header a catalog entry declares (<c>headers:</c> in errors.yaml).</summary>
    public static void AddDeclared(IDictionary<string, IOpenApiHeader> headers, ErrorDescriptor error)
    {
        foreach (var header in error.Headers)
        {
            var integer = header.Value is [{ Placeholder: { } name }] && error.IndexOf(name) is >= 0 and var index
                && error.Placeholders[index].Kind is PlaceholderKind.Int32 or PlaceholderKind.Int64 or PlaceholderKind.Seconds or PlaceholderKind.UnixTime;
            Add(headers, header.Name, integer ? JsonSchemaType.Integer : JsonSchemaType.String, $"Set by {error.Code}.");
        }
    }

    private static void Add(IDictionary<string, IOpenApiHeader> headers, string name, JsonSchemaType type, string description, bool required = false)
    {
        if (!headers.ContainsKey(name))
        {
            headers[name] = new OpenApiHeader { Description = description, Required = required, Schema = new OpenApiSchema { Type = type } };
        }
    }
}
