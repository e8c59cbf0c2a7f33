using System.Globalization;
using System.Text.Json;
using ErrorCatalog.Testing;
using FxRates;
using Microsoft.Extensions.Time.Testing;

namespace Samples.FxRates.Tests;

/// <summary>
/// The FxRates sample's host: its demo keys, key header and clock start (a null <paramref name="time"/> runs it on the
/// real clock, for a real server), answering <see cref="Answer"/>s.
/// </summary>
internal sealed class FxRatesHost(FakeTimeProvider? time, IReadOnlyDictionary<string, string?>? settings = null)
    : SampleHost<FxRatesApp>(time, settings)
{
    public const string FreeKey = "fx_free_demo_key_0001";
    public const string ProKey = "fx_pro_demo_key_0002";
    public const string UpgradeUrl = "https://moxiemetrx.com/pricing";

    /// <summary>Wednesday 15 January 2025, 10:00:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public FxRatesHost(IReadOnlyDictionary<string, string?>? settings = null)
        : this(new FakeTimeProvider(DefaultStart), settings)
    {
    }

    public FxRatesHost(DateTimeOffset start, IReadOnlyDictionary<string, string?>? settings = null)
        : this(new FakeTimeProvider(start), settings)
    {
    }

    /// <summary>Unix seconds of <paramref name="instant"/>, as in X-RateLimit-Reset.</summary>
    public static string Unix(DateTimeOffset instant) => instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>GET <paramref name="path"/> with the key in <c>X-API-Key</c> (none when null).</summary>
    public Task<Answer> GetAsync(string path, string? key = null) => SendAsync(HttpMethod.Get, path, key);

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> with the key in <c>X-API-Key</c> (none when null).</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string path, string? key = null)
    {
        using var response = await RequestAsync(method, path, headers: ("X-API-Key", key));
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, body, headers, response.Content.Headers.ContentType?.MediaType);
    }
}
