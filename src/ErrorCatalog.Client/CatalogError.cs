using System.Globalization;

namespace ErrorCatalog.Client;

/// <summary>
/// An error response read through the API's catalog: its entry (when the catalog has the code), the code and numeric
/// code the body carried, the detail, the entry's placeholders (from the body's fields, the detail text and the
/// headers), and when to try again.
/// </summary>
public sealed class CatalogError
{
    private readonly IReadOnlyDictionary<string, string> _arguments;

    internal CatalogError(int status, ErrorDescriptor? descriptor, string? code, int? numericCode, string? title, string? detail,
        IReadOnlyDictionary<string, string> arguments, TimeSpan? retryAfter, DateTimeOffset? resetAt, long? creditCount)
    {
        Status = status;
        Descriptor = descriptor;
        Code = code ?? descriptor?.Code;
        NumericCode = numericCode ?? descriptor?.NumericCode;
        Title = title ?? descriptor?.Title;
        Detail = detail;
        _arguments = arguments;
        RetryAfter = retryAfter;
        ResetAt = resetAt;
        CreditCount = creditCount;
    }

    /// <summary>The HTTP status of the response.</summary>
    public int Status { get; }

    /// <summary>The catalog entry of <see cref="Code"/> (or <see cref="NumericCode"/>), or null when the catalog has none.</summary>
    public ErrorDescriptor? Descriptor { get; }

    /// <summary>The machine code to branch on: the body's, else its entry's; null when neither is known.</summary>
    public string? Code { get; }

    /// <summary>The numeric code: the body's, else its entry's.</summary>
    public int? NumericCode { get; }

    /// <summary>The body's title (or message), else the entry's.</summary>
    public string? Title { get; }

    /// <summary>The body's detail text, placeholders filled.</summary>
    public string? Detail { get; }

    /// <summary>The entry's placeholders found in the response, by name, as text.</summary>
    public IReadOnlyDictionary<string, string> Arguments => _arguments;

    /// <summary>How long the server asked to wait: <c>Retry-After</c> (seconds or an HTTP date), else the body's <c>retryAfter</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>When a retry can succeed: now plus <see cref="RetryAfter"/>, else the rate-limit reset; null when the response says neither.</summary>
    public DateTimeOffset? ResetAt { get; }

    /// <summary>The credits the request was charged, when the body reports them (<c>$creditCount</c>).</summary>
    public long? CreditCount { get; }

    /// <summary>A placeholder as text, or null when the response did not carry it.</summary>
    public string? GetString(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _arguments.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>An <c>int</c> placeholder, or null when absent or not a number.</summary>
    public int? GetInt32(string name) =>
        int.TryParse(GetString(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A <c>long</c> placeholder, or null when absent or not a number.</summary>
    public long? GetInt64(string name) =>
        long.TryParse(GetString(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A <c>seconds</c> placeholder, or null when absent or not a number.</summary>
    public TimeSpan? GetSeconds(string name) => Seconds(GetString(name));

    /// <summary>A <c>timestamp</c> (ISO 8601) or <c>unixtime</c> (unix seconds) placeholder, or null when absent or not a time.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name)
    {
        var text = GetString(name);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix))
        {
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
    }

    /// <summary>A <c>bool</c> placeholder, or null when absent or not a boolean.</summary>
    public bool? GetBoolean(string name) => bool.TryParse(GetString(name), out var value) ? value : null;

    internal static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0
            ? TimeSpan.FromSeconds(value)
            : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Status} {Code ?? "(no code)"}{(NumericCode is { } n ? $" ({n.ToString(CultureInfo.InvariantCulture)})" : string.Empty)}: {Detail ?? Title}";
}
