using System.Text.Json;

namespace ErrorCatalog.Client.Parsing;

/// <summary>
/// Reads a response by the catalog: tries the shapes it declares (the default first, then the others and
/// problem+json) until one names a code, then fills the entry's placeholders from the body, the detail and the headers.
/// </summary>
internal static class CatalogResponseReader
{
    public static async Task<CatalogError> ReadErrorAsync(
        HttpResponseMessage response, ApiErrorCatalog catalog, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return ReadError(response, catalog, body, now);
    }

    public static CatalogError ReadError(HttpResponseMessage response, ApiErrorCatalog catalog, JsonElement? body, DateTimeOffset now)
    {
        var (fields, descriptor) = body is { } json ? Identify(catalog, json) : (new BodyFields(), null);
        var arguments = new Dictionary<string, string>(fields.Arguments, StringComparer.Ordinal);
        if (descriptor is not null)
        {
            foreach (var placeholder in descriptor.Placeholders)
            {
                if (!arguments.ContainsKey(placeholder.Name) && fields.Spread.TryGetValue(placeholder.Name, out var spread))
                {
                    arguments[placeholder.Name] = spread;
                }
            }

            var filled = new BodyFields();
            if (fields.Detail is { } detail)
            {
                TemplateReader.Match(descriptor.Detail, detail, filled);
            }

            foreach (var header in descriptor.Headers)
            {
                if (response.Headers.TryGetValues(header.Name, out var values) && values.FirstOrDefault() is { } value)
                {
                    TemplateReader.Match(header.Value, value, filled);
                }
            }

            foreach (var (name, value) in filled.Arguments)
            {
                arguments.TryAdd(name, value);
            }
        }

        var headers = RateLimitHeaders.Read(response, now);
        var retryAfter = headers.RetryAfter;
        if (retryAfter is null && arguments.TryGetValue("retryAfter", out var bodyRetryAfter))
        {
            retryAfter = CatalogError.Seconds(bodyRetryAfter);
        }

        DateTimeOffset? resetAt = retryAfter is { } wait ? now + wait : headers.Reset;
        return new CatalogError((int)response.StatusCode, descriptor, fields.Code, fields.NumericCode, fields.Title, fields.Detail,
            arguments, retryAfter, resetAt, fields.CreditCount);
    }

    /// <summary>The fields of the first shape that names an entry of the catalog (else of the first that names a code).</summary>
    internal static (BodyFields Fields, ErrorDescriptor? Descriptor) Identify(ApiErrorCatalog catalog, JsonElement body)
    {
        BodyFields? first = null;
        foreach (var shape in Shapes(catalog))
        {
            var fields = ShapeReader.Read(shape, body);
            var descriptor = fields.Code is { } code ? catalog.Find(code) : null;
            descriptor ??= fields.NumericCode is { } number ? catalog.Find(number) : null;
            if (descriptor is not null)
            {
                return (fields, descriptor);
            }

            if (first is null && (fields.Code is not null || fields.NumericCode is not null))
            {
                first = fields;
            }
        }

        return (first ?? new BodyFields(), null);
    }

    /// <summary>The default shape, then every other one the catalog has (problem+json included).</summary>
    internal static IEnumerable<BodyShape> Shapes(ApiErrorCatalog catalog)
    {
        yield return catalog.DefaultShape;
        foreach (var shape in catalog.Shapes.Values)
        {
            if (!ReferenceEquals(shape, catalog.DefaultShape))
            {
                yield return shape;
            }
        }
    }

    /// <summary>The body as JSON, or null when it is empty or not JSON. The content stays readable (it is buffered).</summary>
    internal static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
