using System.Text.Json;

namespace ErrorCatalog.Client;

/// <summary>
/// A success body in the catalog's envelope (a shape with <c>$data</c>, such as CoinMarketCap's <c>status</c> +
/// <c>data</c>): the data, and what the envelope reports beside it.
/// </summary>
public sealed class CatalogEnvelope
{
    internal CatalogEnvelope(JsonElement data, long? creditCount, int? errorCode)
    {
        Data = data;
        CreditCount = creditCount;
        ErrorCode = errorCode;
    }

    /// <summary>The endpoint's result (<c>$data</c>); the whole body when no shape wraps it.</summary>
    public JsonElement Data { get; }

    /// <summary>The credits the request was charged (<c>$creditCount</c>), when the envelope reports them.</summary>
    public long? CreditCount { get; }

    /// <summary>The envelope's numeric code on success (CoinMarketCap's <c>error_code: 0</c>), when it has one.</summary>
    public int? ErrorCode { get; }

    /// <summary>The data deserialized as <typeparamref name="T"/>.</summary>
    public T? Deserialize<T>(JsonSerializerOptions? options = null) => Data.Deserialize<T>(options);
}
