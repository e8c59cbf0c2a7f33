using System.Globalization;

namespace FxRates;

/// <summary>
/// Query-string checks. Each returns null when the value is good, or the <c>detail</c> of the 400
/// (<c>ApiErrors.InvalidParameter(reason)</c>) when it is not: malformed date, unknown pair, unsupported interval.
/// </summary>
public static class Query
{
    /// <summary>A known pair: six capital letters (<c>EURUSD</c>) listed by <c>/v1/pairs</c>.</summary>
    public static string? Pair(string? pair)
    {
        if (string.IsNullOrEmpty(pair))
        {
            return "Missing required parameter 'pair'.";
        }

        if (pair.Length != 6 || !pair.All(char.IsAsciiLetterUpper))
        {
            return $"Malformed pair '{pair}': use six capital letters such as EURUSD.";
        }

        return RateBook.IsKnown(pair) ? null : $"Unknown pair '{pair}': see /v1/pairs.";
    }

    /// <summary>A date as <c>YYYY-MM-DD</c>.</summary>
    public static string? Date(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrEmpty(text))
        {
            return "Missing required parameter 'date'.";
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            ? null
            : $"Malformed date '{text}': use YYYY-MM-DD.";
    }

    /// <summary><c>1d</c> (default) or <c>1h</c>.</summary>
    public static string? Interval(string? text, out bool hourly)
    {
        hourly = text == "1h";
        return text is null or "1d" or "1h" ? null : $"Unsupported interval '{text}': use 1h or 1d.";
    }

    /// <summary><c>max_age</c> in whole seconds, 1 to 86400; the default threshold when absent.</summary>
    public static string? MaxAge(string? text, TimeSpan fallback, out TimeSpan maxAge)
    {
        maxAge = fallback;
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 86_400)
        {
            return $"Malformed max_age '{text}': use whole seconds from 1 to 86400, e.g. max_age=900.";
        }

        maxAge = TimeSpan.FromSeconds(seconds);
        return null;
    }
}
