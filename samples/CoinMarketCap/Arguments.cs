using System.Globalization;

namespace CoinMarketCap;

/// <summary>
/// Query-string checks with the API's wording. Each returns null when the value is good, or the
/// <c>error_message</c> of the 400 (<c>ApiErrors.BadRequest(reason)</c>) when it is not.
/// </summary>
public static class Arguments
{
    /// <summary>An optional integer between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static string? Integer(string name, string? text, int min, int max, out int value, int fallback)
    {
        value = fallback;
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return $"\"{name}\" must be a number";
        }

        if (value < min)
        {
            return $"\"{name}\" must be greater than or equal to {min}";
        }

        return value > max ? $"\"{name}\" must be less than or equal to {max}" : null;
    }

    /// <summary>
    /// The coins named by <c>symbol</c> (comma-separated symbols) or <c>id</c> (comma-separated CoinMarketCap ids),
    /// exactly one of the two.
    /// </summary>
    public static string? Coins(string? symbol, string? id, out List<Coin> coins)
    {
        coins = [];
        if (symbol is null && id is null)
        {
            return "\"value\" must contain at least one of [id, symbol, slug]";
        }

        if (symbol is not null && id is not null)
        {
            return "\"value\" contains a conflict between exclusive peers [id, symbol, slug]";
        }

        var name = symbol is not null ? "symbol" : "id";
        var text = symbol ?? id!;
        if (text.Length == 0)
        {
            return $"\"{name}\" is not allowed to be empty";
        }

        foreach (var item in text.Split(','))
        {
            var coin = symbol is not null
                ? (IsSymbol(item) ? Market.FindBySymbol(item) : null)
                : (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? Market.FindById(number) : null);
            if (coin is null)
            {
                return $"Invalid value for \"{name}\": \"{item}\"";
            }

            coins.Add(coin);
        }

        return null;
    }

    private static bool IsSymbol(string text) => text.Length is > 0 and <= 16 && text.All(char.IsAsciiLetterOrDigit);
}
