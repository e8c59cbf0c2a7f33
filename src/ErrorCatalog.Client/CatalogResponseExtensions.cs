using System.Text.Json;
using ErrorCatalog.Client.Parsing;

namespace ErrorCatalog.Client;

/// <summary>Reads responses of an API through its catalog: its errors as <see cref="CatalogError"/>, its success envelope.</summary>
public static class CatalogResponseExtensions
{
    /// <summary>
    /// The response's error read through <paramref name="catalog"/>, or null for a success status. The content stays
    /// readable.
    /// </summary>
    public static async Task<CatalogError?> ReadCatalogErrorAsync(
        this HttpResponseMessage response, ApiErrorCatalog catalog, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(catalog);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        return await CatalogResponseReader.ReadErrorAsync(response, catalog, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns the response when its status is a success; otherwise throws <see cref="ApiErrorException"/> with the
    /// error read through <paramref name="catalog"/>. For callers that branch on codes without retries.
    /// </summary>
    /// <exception cref="ApiErrorException">The response is an error.</exception>
    public static async Task<HttpResponseMessage> EnsureCatalogSuccessAsync(
        this HttpResponseMessage response, ApiErrorCatalog catalog, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        if (await response.ReadCatalogErrorAsync(catalog, timeProvider, cancellationToken).ConfigureAwait(false) is { } error)
        {
            response.Dispose();
            throw new ApiErrorException(error);
        }

        return response;
    }

    /// <summary>
    /// A success body read through the catalog's envelope: the shape with <c>$data</c> that matches the body gives the
    /// data and the credit count; without such a shape the whole body is the data.
    /// </summary>
    /// <exception cref="ApiErrorException">The response is an error (also when an envelope reports a non-zero code).</exception>
    public static async Task<CatalogEnvelope> ReadCatalogEnvelopeAsync(
        this HttpResponseMessage response, ApiErrorCatalog catalog, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        await response.EnsureCatalogSuccessAsync(catalog, timeProvider, cancellationToken).ConfigureAwait(false);
        var body = await CatalogResponseReader.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false) ?? default;
        foreach (var shape in CatalogResponseReader.Shapes(catalog))
        {
            var fields = ShapeReader.Read(shape, body);
            if (fields.Data is { } data)
            {
                var code = EnvelopeCode(shape, body);
                if (code is not null and not 0 && catalog.Find(code.Value) is not null)
                {
                    var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
                    throw new ApiErrorException(CatalogResponseReader.ReadError(response, catalog, body, now));
                }

                return new CatalogEnvelope(data, fields.CreditCount, code);
            }
        }

        return new CatalogEnvelope(body, null, null);
    }

    /// <summary>A success shape's constant code (<c>error_code: 0</c>) as the body carries it.</summary>
    private static int? EnvelopeCode(BodyShape shape, JsonElement body) => FindNumber(shape.Root, body);

    private static int? FindNumber(ShapeNode node, JsonElement json)
    {
        foreach (var child in node.Children)
        {
            if (child.Name is null || json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(child.Name, out var value))
            {
                continue;
            }

            if (child.Kind == ShapeNodeKind.Object && FindNumber(child, value) is { } nested)
            {
                return nested;
            }

            if (child.Kind == ShapeNodeKind.Literal && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                return number;
            }
        }

        return null;
    }
}
