namespace CoinMarketCap;

/// <summary>
/// Names this sample's assembly for <c>WebApplicationFactory&lt;CoinMarketCapApp&gt;</c>: several samples each have a
/// global <c>Program</c>, so tests reference this type instead.
/// </summary>
public sealed class CoinMarketCapApp
{
    private CoinMarketCapApp()
    {
    }
}
