using System.ComponentModel;
using System.Text.Json;

namespace ErrorCatalog;

/// <summary>
/// One entry of errors.yaml, with everything constant about it encoded once: an <c>ApiError</c>
/// is this descriptor plus its placeholder values.
/// </summary>
public sealed class ErrorDescriptor
{
    /// <summary>The most placeholders one entry may declare; <c>ApiError</c> holds them inline.</summary>
    public const int MaxPlaceholders = 8;

    /// <summary>Creates a descriptor; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ErrorDescriptor(
        string code,
        int? numericCode,
        int status,
        string title,
        TemplateSegment[] detail,
        string? resolution,
        string type,
        Refusal refusal,
        PlaceholderDescriptor[] placeholders,
        HeaderTemplate[] headers,
        string? shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(title);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(placeholders);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(placeholders.Length, MaxPlaceholders);

        Code = code;
        NumericCode = numericCode;
        Status = status;
        Title = title;
        Detail = detail;
        Resolution = resolution;
        Type = type;
        Refusal = refusal;
        Placeholders = placeholders;
        Headers = headers;
        ShapeName = shape;

        EncodedCode = JsonEncodedText.Encode(code, CatalogJson.Encoder);
        EncodedTitle = JsonEncodedText.Encode(title, CatalogJson.Encoder);
        EncodedType = JsonEncodedText.Encode(type, CatalogJson.Encoder);
        EncodedResolution = resolution is null ? default : JsonEncodedText.Encode(resolution, CatalogJson.Encoder);
        if (detail.Length == 1 && detail[0].Utf8 is { } constant)
        {
            ConstantDetail = JsonEncodedText.Encode(constant, CatalogJson.Encoder);
            HasConstantDetail = true;
        }

        UsesRequestId = TemplateSegment.UsesRequestId(detail);
        foreach (var header in headers)
        {
            UsesRequestId |= TemplateSegment.UsesRequestId(header.Value);
        }
    }

    /// <summary>
    /// Whether the detail or a header of this entry writes <c>{$requestId}</c>. With
    /// <see cref="BodyShape.UsesRequestId"/>, it lets a caller skip making a request id nobody writes (on Kestrel,
    /// <c>HttpContext.TraceIdentifier</c> creates its string on first read).
    /// </summary>
    public bool UsesRequestId { get; }

    /// <summary>The stable machine code (<c>API_KEY_INVALID</c>).</summary>
    public string Code { get; }

    /// <summary>The numeric code (<c>1001</c>), if the entry has one.</summary>
    public int? NumericCode { get; }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The title: the same for every occurrence.</summary>
    public string Title { get; }

    /// <summary>The detail template.</summary>
    public TemplateSegment[] Detail { get; }

    /// <summary>What a client should do about it.</summary>
    public string? Resolution { get; }

    /// <summary>The problem type URI (built from the catalog's <c>typeBase</c> and the entry's <c>docs</c> slug).</summary>
    public string Type { get; }

    /// <summary>The middleware refusal this entry answers, if any.</summary>
    public Refusal Refusal { get; }

    /// <summary>The typed placeholders, in factory parameter order.</summary>
    public PlaceholderDescriptor[] Placeholders { get; }

    /// <summary>Headers the entry sets.</summary>
    public HeaderTemplate[] Headers { get; }

    /// <summary>The entry's own body shape, or null for the catalog's default.</summary>
    public string? ShapeName { get; }

    /// <summary>The catalog this entry belongs to (set when the catalog is built).</summary>
    public ApiErrorCatalog Catalog { get; internal set; } = null!;

    /// <summary>The body shape this entry is written with unless an endpoint overrides it.</summary>
    public BodyShape Shape { get; internal set; } = BodyShape.Problem;

    internal JsonEncodedText EncodedCode { get; }

    internal JsonEncodedText EncodedTitle { get; }

    internal JsonEncodedText EncodedType { get; }

    internal JsonEncodedText EncodedResolution { get; }

    internal JsonEncodedText ConstantDetail { get; }

    internal bool HasConstantDetail { get; }

    /// <summary>The position of a placeholder, or -1: lets the middleware fill values by name without allocating.</summary>
    public int IndexOf(string placeholder)
    {
        var placeholders = Placeholders;
        for (var i = 0; i < placeholders.Length; i++)
        {
            if (string.Equals(placeholders[i].Name, placeholder, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override string ToString() => NumericCode is { } n ? $"{Code} ({n}, {Status})" : $"{Code} ({Status})";
}
