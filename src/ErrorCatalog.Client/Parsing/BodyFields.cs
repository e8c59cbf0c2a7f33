using System.Text.Json;

namespace ErrorCatalog.Client.Parsing;

/// <summary>What a body shape located in a JSON body: system values and the placeholders' text.</summary>
internal sealed class BodyFields
{
    public string? Code { get; set; }

    public int? NumericCode { get; set; }

    public string? Title { get; set; }

    public string? Detail { get; set; }

    public long? CreditCount { get; set; }

    public JsonElement? Data { get; set; }

    public Dictionary<string, string> Arguments { get; } = new(StringComparer.Ordinal);

    /// <summary>Properties of a spread (<c>$args</c>) object: placeholders once the entry is known.</summary>
    public Dictionary<string, string> Spread { get; } = new(StringComparer.Ordinal);
}
