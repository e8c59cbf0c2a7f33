using System.Net;
using System.Text;
using System.Text.Json;
using ErrorCatalog.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// A minimal API on a <see cref="TestServer"/> with <c>AddApiErrorCatalog</c> bound to a JSON configuration,
/// a <see cref="FakeTimeProvider"/> as its clock and in-memory logs. A test header sets the client's address.
/// </summary>
internal sealed class TestApi : IAsyncDisposable
{
    /// <summary>The fake clock's default start: 30 s before midnight on the 28th of February of a leap year.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2024, 2, 28, 23, 59, 30, TimeSpan.Zero);

    /// <summary>Sets <c>HttpContext.Connection.RemoteIpAddress</c> (the TestServer leaves it null).</summary>
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    public const string KeyHeader = "X-API-Key";

    private TestApi(WebApplication app, FakeTimeProvider time)
    {
        App = app;
        Time = time;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public FakeLogCollector Logs => App.Services.GetFakeLogCollector();

    /// <summary>A key no other test uses.</summary>
    public static string NewKey(string prefix = "k") => $"{prefix}_{Guid.NewGuid():N}";

    /// <summary>What configuration holds for <paramref name="key"/>.</summary>
    public static string Hash(string key) => ApiKeyHash.Compute(key).ToString();

    /// <summary>
    /// Builds and starts the API; <paramref name="json"/> holds an <c>ApiErrorCatalog</c> section;
    /// <paramref name="applicationName"/> names the application's assembly (default: the entry assembly's);
    /// <paramref name="configuration"/>, when given, is read instead of <paramref name="json"/> (a reloadable one).
    /// </summary>
    public static async Task<TestApi> StartAsync(
        string json,
        Action<WebApplication>? map = null,
        DateTimeOffset? start = null,
        Action<WebApplicationBuilder>? configure = null,
        string section = "ApiErrorCatalog",
        string? applicationName = null,
        IConfiguration? configuration = null)
    {
        configuration ??= new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();
        var time = new FakeTimeProvider(start ?? DefaultStart);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = applicationName });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddApiErrorCatalog(configuration.GetSection(section));
        configure?.Invoke(builder);

        var app = builder.Build();
        try
        {
            // Outermost: what UseExceptionHandler does in an app, without its logging.
            app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (Exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
                {
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                }
            });
            app.Use((context, next) =>
            {
                if (context.Request.Headers.TryGetValue(RemoteIpHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                return next(context);
            });
            app.UseApiErrorCatalog();
            MapDefaults(app, configuration.GetSection(section));
            map?.Invoke(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestApi(app, time);
    }

    /// <summary>Whether the section configures a plan or a plan feature named <paramref name="name"/>.</summary>
    private static bool Declares(IConfigurationSection section, string name) =>
        section.GetSection("Plans").GetChildren().Any(plan =>
            plan.Key == name || plan.GetSection("Features").GetChildren().Any(feature => feature.Value == name));

    /// <summary>Endpoints every test API has.</summary>
    private static void MapDefaults(WebApplication app, IConfigurationSection section)
    {
        app.MapGet("/ok", () => "ok");
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/catalog-error", () => ApiErrors.NotFound("thing 42"));
        app.MapGet("/optional", () => "optional").ApiKeyOptional();
        app.MapGet("/required", () => "required").RequireApiKey();
        // Only where configured: RequirePlan naming no configured plan or feature fails start-up.
        if (Declares(section, "pro"))
        {
            app.MapGet("/pro", () => "pro").RequirePlan("pro");
        }

        if (Declares(section, "spread"))
        {
            app.MapGet("/spread", () => "spread").RequirePlan("spread");
        }

        app.MapGet("/scoped", () => "scoped").RequireScope("rates:write");
        app.MapGet("/exempt", () => "exempt").ExemptFromLimits();
        app.MapGet("/flat", () => "flat").WithErrorShape("flat");
        app.MapGet("/credits10", () => "10").WithCredits(10);
        app.MapGet("/credits20", () => "20").WithCredits(20);
        app.MapGet("/credits100", () => "100").WithCredits(100);
        app.MapGet("/whoami", (HttpContext context) =>
        {
            var feature = context.Features.Get<IApiKeyFeature>();
            return Results.Json(new
            {
                keyId = feature?.KeyId,
                subscription = feature?.SubscriptionId,
                plan = feature?.Plan,
                credits = feature?.CreditCount,
                overage = feature?.IsOverage,
                name = context.User.Identity?.Name,
            });
        });
        app.MapPost("/rpc", async (HttpContext context) =>
        {
            // Reads the body as endpoints usually do, through the Body stream, and echoes it.
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var charged = context.Features.Get<IApiKeyFeature>()?.CreditCount ?? -1;
            context.Response.Headers["X-Test-Charged"] = charged.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text(body, "application/json");
        }).WithJsonRpcCredits();
        app.MapPost("/rpc-pipe", async (HttpContext context) =>
        {
            // Reads the body through the request pipe.
            var pipe = context.Request.BodyReader;
            while (true)
            {
                var result = await pipe.ReadAsync(context.RequestAborted);
                if (result.IsCompleted)
                {
                    var body = Encoding.UTF8.GetString(result.Buffer);
                    pipe.AdvanceTo(result.Buffer.End);
                    return Results.Text(body, "application/json");
                }

                pipe.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }).WithJsonRpcCredits();
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? key = null, string? ip = null, string? header = KeyHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null && header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, key);
        }

        if (ip is not null)
        {
            request.Headers.Add(RemoteIpHeader, ip);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(KeyHeader, key);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }

    /// <summary>The body as JSON.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Asserts a catalog refusal in the problem shape: status, content type, code, numeric code (or its absence),
    /// type, instance and request id. Returns the body.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, int? numericCode = null)
    {
        var json = await ResponseAssert.JsonBodyAsync(response, status, "application/problem+json", code);
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.StartsWith("/errors/", json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("requestId").GetString()));
        Assert.Equal(response.RequestMessage!.RequestUri!.AbsolutePath, json.GetProperty("instance").GetString());
        if (numericCode is { } number)
        {
            Assert.Equal(number, json.GetProperty("numericCode").GetInt32());
        }
        else
        {
            Assert.False(json.TryGetProperty("numericCode", out _), "no numericCode expected");
        }

        return json;
    }

    /// <summary>The single value of a response header, or null.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values)
        : null;
}
