using System.Net;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Browser.Tests;

/// <summary>
/// samples/QuickStart as shipped, on real Kestrel at 127.0.0.1 and a free port (a browser needs a socket), on a fake
/// clock so a minute's limit cannot reset in the middle of a test.
/// </summary>
public sealed class QuickStartServer : IAsyncLifetime
{
    public const string FreeKey = "qs_free_demo_key_0001";

    private readonly SampleHost<Program> _host = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The server's root, such as http://127.0.0.1:40123/.</summary>
    public Uri Address { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Address = new Uri(address + "/");
        Client = new HttpClient { BaseAddress = Address };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await _host.DisposeAsync();
    }
}
