using System.Globalization;
using System.Net;
using System.Text.Json;
using FxRates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Samples.FxRates.Tests;

/// <summary>
/// The FxRates sample as shipped (its appsettings.json and errors.yaml), with configuration overrides, on a
/// <see cref="FakeTimeProvider"/> (or the real clock when <paramref name="time"/> is null, for a real server).
/// A new host per test: each test has its own counters.
/// </summary>
internal sealed class FxRatesHost(FakeTimeProvider? time, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<FxRatesApp>
{
    public const string FreeKey = "fx_free_demo_key_0001";
    public const string ProKey = "fx_pro_demo_key_0002";
    public const string UpgradeUrl = "https://moxiemetrx.com/pricing";

    /// <summary>Wednesday 15 January 2025, 10:00:00 UTC.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private HttpClient? _client;

    public FxRatesHost(IReadOnlyDictionary<string, string?>? settings = null)
        : this(new FakeTimeProvider(DefaultStart), settings)
    {
    }

    public FxRatesHost(DateTimeOffset start, IReadOnlyDictionary<string, string?>? settings = null)
        : this(new FakeTimeProvider(start), settings)
    {
    }

    public FakeTimeProvider Time => time ?? throw new InvalidOperationException("This host runs on the real clock.");

    private HttpClient Http => _client ??= CreateClient();

    /// <summary>Unix seconds of <paramref name="instant"/>, as in X-RateLimit-Reset.</summary>
    public static string Unix(DateTimeOffset instant) => instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>GET <paramref name="path"/> with the key in <c>X-API-Key</c> (none when null).</summary>
    public Task<Answer> GetAsync(string path, string? key = null) => SendAsync(HttpMethod.Get, path, key);

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> with the key in <c>X-API-Key</c> (none when null).</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, body, headers, response.Content.Headers.ContentType?.MediaType);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (settings is not null)
        {
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        }

        if (time is not null)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(time);
            });
        }
    }

    protected override void Dispose(bool disposing)
    {
        _client?.Dispose();
        base.Dispose(disposing);
    }
}
