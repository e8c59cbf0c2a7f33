using System.Text.Json.Serialization;

namespace CoinMarketCap;

/// <summary>The sample's market data: a few coins with USD quotes, in memory. "Now" is the app's clock.</summary>
public sealed class Market(TimeProvider time)
{
    private static readonly Coin[] Coins =
    [
        new(1, "Bitcoin", "BTC", "bitcoin", 1, 97_250.12m, 19_790_000m),
        new(1027, "Ethereum", "ETH", "ethereum", 2, 3_412.55m, 120_450_000m),
        new(825, "Tether USDt", "USDT", "tether", 3, 1.0001m, 139_000_000_000m),
        new(52, "XRP", "XRP", "xrp", 4, 2.31m, 57_600_000_000m),
        new(1839, "BNB", "BNB", "bnb", 5, 690.40m, 144_000_000m),
        new(5426, "Solana", "SOL", "solana", 6, 189.77m, 481_000_000m),
    ];

    public IReadOnlyList<Coin> All => Coins;

    public static Coin? FindBySymbol(string symbol) =>
        Array.Find(Coins, c => string.Equals(c.Symbol, symbol, StringComparison.OrdinalIgnoreCase));

    public static Coin? FindById(int id) => Array.Find(Coins, c => c.Id == id);

    /// <summary>The coin with its latest USD quote.</summary>
    public CoinQuote Latest(Coin coin)
    {
        var now = Minute(time.GetUtcNow());
        var quote = new UsdQuote(coin.Price, coin.Price * coin.Supply, 1.42m, now);
        return new CoinQuote(coin.Id, coin.Name, coin.Symbol, coin.Slug, coin.Rank, coin.Supply, now, new() { ["USD"] = quote });
    }

    /// <summary>Daily closes of the last <paramref name="count"/> days (a gentle, deterministic wave).</summary>
    public HistoricalQuotes History(Coin coin, int count)
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        var quotes = new List<HistoricalPoint>(count);
        for (var i = count; i >= 1; i--)
        {
            var day = today.AddDays(-i);
            var price = decimal.Round(coin.Price * (1 + (0.02m * (decimal)Math.Sin(day.DayOfYear))), 2);
            quotes.Add(new HistoricalPoint(day, new() { ["USD"] = new UsdQuote(price, price * coin.Supply, 0m, day) }));
        }

        return new HistoricalQuotes(coin.Id, coin.Name, coin.Symbol, quotes);
    }

    /// <summary>Totals over every coin.</summary>
    public GlobalMetrics Global()
    {
        var cap = Coins.Sum(c => c.Price * c.Supply);
        var btc = Coins[0].Price * Coins[0].Supply;
        return new GlobalMetrics(Coins.Length, decimal.Round(btc / cap * 100, 2), Minute(time.GetUtcNow()), new() { ["USD"] = new TotalQuote(cap) });
    }

    private static DateTime Minute(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
}

/// <summary>A listed coin.</summary>
public sealed record Coin(int Id, string Name, string Symbol, string Slug, int Rank, decimal Price, decimal Supply);

/// <summary>A coin and its quotes by currency, as <c>/v1/cryptocurrency/quotes/latest</c> lists them.</summary>
public sealed record CoinQuote(
    int Id,
    string Name,
    string Symbol,
    string Slug,
    [property: JsonPropertyName("cmc_rank")] int CmcRank,
    decimal CirculatingSupply,
    DateTime LastUpdated,
    Dictionary<string, UsdQuote> Quote);

/// <summary>A price in one currency.</summary>
public sealed record UsdQuote(
    decimal Price,
    decimal MarketCap,
    [property: JsonPropertyName("percent_change_24h")] decimal PercentChange24H,
    DateTime LastUpdated);

/// <summary>A coin's past quotes.</summary>
public sealed record HistoricalQuotes(int Id, string Name, string Symbol, List<HistoricalPoint> Quotes);

/// <summary>One past quote.</summary>
public sealed record HistoricalPoint(DateTime Timestamp, Dictionary<string, UsdQuote> Quote);

/// <summary>Market-wide totals.</summary>
public sealed record GlobalMetrics(
    int ActiveCryptocurrencies,
    [property: JsonPropertyName("btc_dominance")] decimal BtcDominance,
    DateTime LastUpdated,
    Dictionary<string, TotalQuote> Quote);

/// <summary>A market-wide total in one currency.</summary>
public sealed record TotalQuote(decimal TotalMarketCap);
