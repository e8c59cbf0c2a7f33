using System.Net;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Client.Tests;

/// <summary>A sample as shipped (its appsettings.json and errors.yaml, plus overrides) on Kestrel, 127.0.0.1, a free port, the real clock.</summary>
internal sealed class KestrelSample<TApp> : IAsyncDisposable
    where TApp : class
{
    private readonly SampleHost<TApp> _host;

    public KestrelSample(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _host = new SampleHost<TApp>((Microsoft.Extensions.Time.Testing.FakeTimeProvider?)null, settings);
        _host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        BaseAddress = new Uri(Assert.Single(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses));
    }

    public Uri BaseAddress { get; }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
