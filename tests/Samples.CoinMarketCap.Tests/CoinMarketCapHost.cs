using System.Globalization;
using System.Text.Json;
using CoinMarketCap;
using ErrorCatalog.Testing;

namespace Samples.CoinMarketCap.Tests;

/// <summary>The CoinMarketCap sample's host: its demo keys, key header and clock start, answering <see cref="Answer"/>s.</summary>
internal sealed class CoinMarketCapHost(DateTimeOffset start, IReadOnlyDictionary<string, string?>? settings = null)
    : SampleHost<CoinMarketCapApp>(start, settings)
{
    public const string FreeKey = "cmc_free_demo_key_0001";
    public const string ProKey = "cmc_pro_demo_key_0002";
    public const string UnpaidKey = "cmc_unpaid_demo_key_0003";
    public const string ExpiredKey = "cmc_expired_demo_key_0004";
    public const string DisabledKey = "cmc_disabled_demo_key_0005";
    public const string KeyHeader = "X-CMC_PRO_API_KEY";

    /// <summary>Wednesday 15 January 2025, 10:00:00 UTC: a minute, day and month boundary are all ahead.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public CoinMarketCapHost()
        : this(DefaultStart)
    {
    }

    /// <summary>GET <paramref name="path"/> with the key in <c>X-CMC_PRO_API_KEY</c> (none when null).</summary>
    public Task<Answer> GetAsync(string path, string? key = null) => SendAsync(HttpMethod.Get, path, key);

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> with the key in <c>X-CMC_PRO_API_KEY</c> (none when null).</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string path, string? key = null)
    {
        using var response = await RequestAsync(method, path, headers: (KeyHeader, key));
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, body, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType, headers);
    }

    /// <summary>The <c>timestamp</c> the API writes for the fake clock's current time.</summary>
    public string Now => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
