using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Browser clients: a CORS preflight needs no key and costs nothing, and cross-origin responses (refusals included)
/// expose the rate-limit headers and Retry-After to scripts, whichever way the app applies its CORS policy.
/// </summary>
public sealed class CorsTests
{
    private const string Origin = "https://app.example";

    public enum Setup
    {
        /// <summary><c>UseCors()</c> with a default policy, before <c>UseApiErrorCatalog()</c>.</summary>
        DefaultPolicyBefore,
        /// <summary><c>UseCors()</c> with a default policy, after <c>UseApiErrorCatalog()</c>.</summary>
        DefaultPolicyAfter,
        /// <summary><c>UseCors("browser")</c>, a named policy, before.</summary>
        NamedPolicyBefore,
        /// <summary>Endpoint routing: <c>RequireCors(...)</c> on the endpoint, <c>UseCors()</c> before.</summary>
        EndpointPolicyBefore,
        /// <summary>Endpoint routing: <c>RequireCors(...)</c> on the endpoint, <c>UseCors()</c> after.</summary>
        EndpointPolicyAfter,
    }

    /// <summary>Every way the app applies its CORS policy.</summary>
    public static TheoryData<Setup> EverySetup => [.. Enum.GetValues<Setup>()];

    private static void Browser(CorsPolicyBuilder policy) => policy.WithOrigins(Origin).AllowAnyHeader().AllowAnyMethod();

    private static async Task<WebApplication> StartAsync(Setup setup, string key, string headers = "XRateLimit", bool addCorsFirst = false, bool terminal = false)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "ApiErrorCatalog": {
                "Headers": "{{headers}}",
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 2, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
              }
            }
            """))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        if (!addCorsFirst)
        {
            builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
        }

        builder.Services.AddCors(options =>
        {
            if (setup is Setup.DefaultPolicyBefore or Setup.DefaultPolicyAfter)
            {
                options.AddDefaultPolicy(Browser);
            }

            options.AddPolicy("browser", Browser);
        });
        if (addCorsFirst)
        {
            builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
        }

        var app = builder.Build();
        var before = setup is not (Setup.DefaultPolicyAfter or Setup.EndpointPolicyAfter);
        if (before)
        {
            UseCors(app, setup);
        }

        app.UseApiErrorCatalog();
        if (!before)
        {
            UseCors(app, setup);
        }

        var endpoint = app.MapGet("/data", () => "data");
        if (setup is Setup.EndpointPolicyBefore or Setup.EndpointPolicyAfter)
        {
            endpoint.RequireCors(Browser);
        }

        if (terminal)
        {
            app.Run(static context => context.Response.WriteAsync("terminal"));
        }

        await app.StartAsync();
        return app;
    }

    private static void UseCors(WebApplication app, Setup setup)
    {
        if (setup == Setup.NamedPolicyBefore)
        {
            app.UseCors("browser");
        }
        else
        {
            app.UseCors();
        }
    }

    private static HttpRequestMessage Preflight() => new(HttpMethod.Options, "/data")
    {
        Headers =
        {
            { "Origin", Origin },
            { "Access-Control-Request-Method", "GET" },
            { "Access-Control-Request-Headers", KeyHeader },
        },
    };

    private static HttpRequestMessage Get(string key) => new(HttpMethod.Get, "/data")
    {
        Headers = { { "Origin", Origin }, { KeyHeader, key } },
    };

    private static string[] Exposed(HttpResponseMessage response) =>
        Header(response, "Access-Control-Expose-Headers")?.Split(',', StringSplitOptions.TrimEntries) ?? [];

    [Theory]
    [MemberData(nameof(EverySetup))]
    public async Task Preflight_WithoutKey_IsAnsweredByCors_AndCostsNothing(Setup setup)
    {
        var key = NewKey();
        await using var app = await StartAsync(setup, key);
        using var client = app.GetTestClient();

        for (var i = 0; i < 3; i++)
        {
            using var preflight = await client.SendAsync(Preflight());

            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal(Origin, Header(preflight, "Access-Control-Allow-Origin"));
            Assert.Contains(KeyHeader, Header(preflight, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
            Assert.Null(Header(preflight, "X-RateLimit-Remaining"));
        }

        using var first = await client.SendAsync(Get(key));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", Header(first, "X-RateLimit-Remaining")); // of 2: the preflights spent none
    }

    [Theory]
    [MemberData(nameof(EverySetup))]
    public async Task CrossOriginGet_ExposesTheRateLimitHeadersAndRetryAfter(Setup setup)
    {
        var key = NewKey();
        await using var app = await StartAsync(setup, key);
        using var client = app.GetTestClient();

        using var response = await client.SendAsync(Get(key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("2", Header(response, "X-RateLimit-Limit"));
        Assert.Subset(
            new HashSet<string>(Exposed(response), StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"], StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AddCorsBeforeAddApiErrorCatalog_ExposesTheHeadersAndPassesPreflightsAlike()
    {
        var key = NewKey();
        await using var app = await StartAsync(Setup.EndpointPolicyAfter, key, addCorsFirst: true);
        using var client = app.GetTestClient();

        using var preflight = await client.SendAsync(Preflight());
        using var response = await client.SendAsync(Get(key));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("1", Header(response, "X-RateLimit-Remaining"));
        Assert.Contains("X-RateLimit-Remaining", Exposed(response));
        Assert.Contains("Retry-After", Exposed(response));
    }

    [Fact]
    public async Task CrossOriginGet_ExposesTheConfiguredProfilesHeaders()
    {
        var key = NewKey();
        await using var app = await StartAsync(Setup.DefaultPolicyBefore, key, headers: "Ietf, UnitsLimit");
        using var client = app.GetTestClient();

        using var response = await client.SendAsync(Get(key));

        var exposed = Exposed(response);
        Assert.Contains("RateLimit-Policy", exposed);
        Assert.Contains("RateLimit", exposed);
        Assert.Contains("X-UnitsLimit-Quota-Remaining", exposed);
        Assert.Contains("Retry-After", exposed);
        Assert.DoesNotContain("X-RateLimit-Remaining", exposed);
    }

    [Theory]
    [InlineData(Setup.DefaultPolicyBefore)]
    [InlineData(Setup.NamedPolicyBefore)]
    [InlineData(Setup.EndpointPolicyBefore)]
    public async Task CrossOrigin429_CarriesAllowOriginAndTheExposedHeaders(Setup setup)
    {
        var key = NewKey();
        await using var app = await StartAsync(setup, key);
        using var client = app.GetTestClient();
        (await client.SendAsync(Get(key))).Dispose();
        (await client.SendAsync(Get(key))).Dispose();

        using var refused = await client.SendAsync(Get(key));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(Header(refused, "Retry-After"));
        Assert.Equal(Origin, Header(refused, "Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Exposed(refused));
        Assert.Contains("X-RateLimit-Remaining", Exposed(refused));
    }

    [Theory]
    [InlineData(Setup.EndpointPolicyAfter, 1)]
    [InlineData(Setup.EndpointPolicyBefore, 0)]
    [InlineData(Setup.DefaultPolicyBefore, 0)]
    public async Task UseCorsAfterUseApiErrorCatalog_OnAnEndpointWithCorsMetadata_WarnsOnceNamingTheFix(Setup setup, int warnings)
    {
        var key = NewKey();
        await using var app = await StartAsync(setup, key);
        using var client = app.GetTestClient();

        for (var i = 0; i < 3; i++)
        {
            (await client.SendAsync(Get(key))).Dispose();
        }

        var logged = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Name == "CorsAfterApiErrorCatalog").ToList();
        Assert.Equal(warnings, logged.Count);
        if (warnings > 0)
        {
            Assert.Equal(LogLevel.Warning, logged[0].Level);
            Assert.Contains("Call app.UseCors() before app.UseApiErrorCatalog()", logged[0].Message);
            Assert.Contains("/data", logged[0].Message);
        }
    }

    [Fact]
    public async Task PreflightNoEndpointMatches_KeepsTheKeyRules_SoATerminalMiddlewareIsNotReachedWithoutAKey()
    {
        var key = NewKey();
        await using var app = await StartAsync(Setup.EndpointPolicyAfter, key, terminal: true);
        using var client = app.GetTestClient();
        using var request = Preflight();
        request.RequestUri = new Uri("/files/report", UriKind.Relative);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BuiltInRateLimiter_BeforeUseCors_PassesPreflights_AndChargesNothing()
    {
        var key = NewKey();
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 2, "Window": "minute" } } } },
              "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "free" } ]
            }
            """))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(configuration);
        builder.Services.AddRateLimiter(options => options.UseApiErrorCatalogLimits());
        builder.Services.AddCors();
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.UseCors();
        app.MapGet("/data", () => "data").RequireCors(Browser);
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var first = await client.SendAsync(Preflight());
        using var second = await client.SendAsync(Preflight());
        using var third = await client.SendAsync(Preflight());
        using var admitted = await client.SendAsync(Get(key));
        using var alsoAdmitted = await client.SendAsync(Get(key));

        Assert.Equal(HttpStatusCode.NoContent, third.StatusCode);
        Assert.Equal(Origin, Header(third, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, alsoAdmitted.StatusCode); // 2 of 2: the preflights took none
    }

    [Fact]
    public async Task WithoutCors_AnOptionsRequest_IsAnOrdinaryRequestThatNeedsAKey()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 2, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(NewKey())}}", "Plan": "free" } ]
              }
            }
            """))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
        await using var app = builder.Build();
        app.UseApiErrorCatalog();
        app.MapGet("/data", () => "data");
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var preflight = await client.SendAsync(Preflight());

        Assert.Equal(HttpStatusCode.Unauthorized, preflight.StatusCode);
        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
    }
}
