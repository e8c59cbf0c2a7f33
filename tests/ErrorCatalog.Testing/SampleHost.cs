using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Testing;

/// <summary>
/// A sample app as shipped (its appsettings.json and errors.yaml) on a <see cref="FakeTimeProvider"/> (or the real
/// clock when the time is null, for a real server), with configuration overrides and service replacements. A new
/// host per test: each test has its own counters. A sample's tests derive from it with their keys and requests.
/// </summary>
public class SampleHost<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly FakeTimeProvider? _time;
    private readonly IReadOnlyDictionary<string, string?>? _settings;
    private readonly Action<IServiceCollection>? _services;
    private HttpClient? _client;

    public SampleHost(DateTimeOffset start, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
        : this(new FakeTimeProvider(start), settings, services)
    {
    }

    public SampleHost(FakeTimeProvider? time, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _time = time;
        _settings = settings;
        _services = services;
    }

    public FakeTimeProvider Time => _time ?? throw new InvalidOperationException("This host runs on the real clock.");

    /// <summary>One client for the host's life, disposed with it.</summary>
    public HttpClient Client => _client ??= CreateClient();

    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="path"/> with <paramref name="content"/> and the
    /// <paramref name="headers"/> whose value is not null, as given, through <paramref name="client"/> or
    /// <see cref="Client"/>.
    /// </summary>
    public async Task<HttpResponseMessage> RequestAsync(
        HttpMethod method, string path, HttpContent? content = null, HttpClient? client = null, params (string Name, string? Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await (client ?? Client).SendAsync(request);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_settings is not null)
        {
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        }

        builder.ConfigureTestServices(services =>
        {
            if (_time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(_time);
            }

            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        _client?.Dispose();
        base.Dispose(disposing);
    }
}
