using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Proceeds;

namespace Samples.Proceeds.Tests;

/// <summary>
/// The Proceeds sample as configured by its appsettings.json, on a fake clock, with its logs captured. One per test,
/// so each test has its own counters, keys and paywalls. A test header sets the client's address (TestServer has none);
/// <c>services</c> replaces the app's services where a test needs a failure.
/// </summary>
internal sealed class ProceedsFactory(DateTimeOffset? start = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<ProceedsApi>
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

    public FakeTimeProvider Time { get; } = new(start ?? PageExampleTime);

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddFakeLogging();
            // "Request starting/finished" lines too, to compare every log line's RequestId with the body's.
            logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information);
        });
        builder.ConfigureTestServices(collection =>
        {
            collection.RemoveAll<TimeProvider>();
            collection.AddSingleton<TimeProvider>(Time);
            collection.AddSingleton<IStartupFilter, RemoteIpStartupFilter>();
        });
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = null, string? json = null, string keyHeader = "X-API-Key", string? ip = null)
    {
        using var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(keyHeader, keyHeader == "Authorization" ? "Bearer " + key : key);
        }

        if (ip is not null)
        {
            request.Headers.Add(RemoteIpHeader, ip);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
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

/// <summary>Assertions on the Proceeds bodies.</summary>
internal static class Envelope
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Asserts the page's error shape exactly: status, <c>application/json</c>, the properties error, code, details
    /// and meta {requestId, timestamp} in that order and no others, with the given values. Returns the body.
    /// </summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string error, DateTimeOffset? time = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();

        Assert.Equal(["error", "code", "details", "meta"], Names(body));
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(code, body.GetProperty("code").GetString());
        var meta = body.GetProperty("meta");
        Assert.Equal(["requestId", "timestamp"], Names(meta));
        Assert.Matches("^req_[0-9a-f]{32}$", meta.GetProperty("requestId").GetString());
        Assert.Equal((time ?? ProceedsFactory.PageExampleTime).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), meta.GetProperty("timestamp").GetString());
        return body;
    }

    /// <summary>As <see cref="AssertErrorAsync"/>, with <c>details</c> null.</summary>
    public static async Task<JsonElement> AssertPlainErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string error, DateTimeOffset? time = null)
    {
        var body = await AssertErrorAsync(response, status, code, error, time);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("details").ValueKind);
        return body;
    }

    /// <summary>A success: <c>{data, meta}</c>; returns data.</summary>
    public static async Task<JsonElement> AssertDataAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        var body = document.RootElement.Clone();
        Assert.Equal(["data", "meta"], Names(body));
        Assert.Matches("^req_[0-9a-f]{32}$", body.GetProperty("meta").GetProperty("requestId").GetString());
        return body.GetProperty("data");
    }

    public static string RequestId(JsonElement body) => body.GetProperty("meta").GetProperty("requestId").GetString()!;

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values)
        : null;

    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(static p => p.Name)];
}
