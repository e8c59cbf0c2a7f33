using System.Net;
using System.Text;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Proceeds;

namespace Samples.Proceeds.Tests;

/// <summary>
/// The Proceeds sample's host: its demo keys and clock start, with its logs captured. A test header sets the client's
/// address (TestServer has none); <c>services</c> replaces the app's services where a test needs a failure.
/// </summary>
internal sealed class ProceedsFactory(DateTimeOffset? start = null, Action<IServiceCollection>? services = null)
    : SampleHost<ProceedsApi>(start ?? PageExampleTime, services: services)
{
    /// <summary>The page's example timestamp, 2026-01-01T00:00:00.000Z.</summary>
    public static readonly DateTimeOffset PageExampleTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    // The demo keys of samples/Proceeds/appsettings.json (configured there as SHA-256 hashes only).
    public const string OwnerKey = "prc_demo_owner_key_0001";
    public const string ReadOnlyKey = "prc_demo_readonly_key_0002";
    public const string RevokedKey = "prc_demo_revoked_key_0003";
    public const string ExpiredKey = "prc_demo_expired_key_0004";
    public const string InactiveKey = "prc_demo_inactive_key_0005";
    public const string OfficeKey = "prc_demo_office_key_0006";
    public const string GlobexKey = "prc_demo_globex_key_0007";

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddFakeLogging();
            // "Request starting/finished" lines too, to compare every log line's RequestId with the body's.
            logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information);
        });
        builder.ConfigureTestServices(static collection => collection.AddSingleton<IStartupFilter, RemoteIpStartupFilter>());
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null, string? json = null, string keyHeader = "X-API-Key", string? ip = null)
    {
        using var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        var keyValue = key is not null && keyHeader == "Authorization" ? "Bearer " + key : key;
        return await RequestAsync(method, path, content, client, (keyHeader, keyValue), (RemoteIpHeader, ip));
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? key = null, string? ip = null) => SendAsync(HttpMethod.Get, path, key, ip: ip);

    public Task<HttpResponseMessage> PostAsync(string path, string? key, string json) => SendAsync(HttpMethod.Post, path, key, json);

    /// <summary>Sets <c>Connection.RemoteIpAddress</c> from a test header, before the app's middleware.</summary>
    private sealed class RemoteIpStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteIpHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
