using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// A preflight passes without a key only to be answered by CORS: when no CORS policy answers it (a provider that
/// declines an origin, a policy name that does not exist), the endpoint's handler still never runs without a key.
/// </summary>
public sealed class CorsPreflightHandlerTests
{
    public static TheoryData<bool, bool> Cases => new()
    {
        { true, true }, { true, false }, { false, true }, { false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PreflightNoPolicyAnswers_NeverRunsTheHandler(bool corsBefore, bool decliningProvider)
    {
        // Arrange
        var runs = 0;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "ApiErrorCatalog": {
                "Plans": { "free": { "Limits": { "minute": { "PermitLimit": 2, "Window": "minute" } } } },
                "ApiKeys": [ { "Id": "key", "Hash": "{{Hash("k1")}}", "Plan": "free" } ]
              }
            }
            """))).Build();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
        builder.Services.AddCors(o => o.AddPolicy("known", p => p.WithOrigins("https://app.example").AllowAnyMethod()));
        if (decliningProvider)
        {
            builder.Services.AddSingleton<ICorsPolicyProvider, DecliningProvider>();
        }

        await using var app = builder.Build();
        app.UseRouting();
        if (corsBefore)
        {
            app.UseCors();
        }

        app.UseApiErrorCatalog();
        if (!corsBefore)
        {
            app.UseCors();
        }

        app.MapPost("/transfer", () =>
        {
            Interlocked.Increment(ref runs);
            return Results.Ok("moved money");
        }).RequireCors(decliningProvider ? "known" : "misspelt");
        await app.StartAsync();
        using var client = app.GetTestClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/transfer")
        {
            Headers = { { "Origin", "https://evil.example" }, { "Access-Control-Request-Method", "POST" } },
        };

        // Act
        using var response = await client.SendAsync(preflight);

        // Assert: refused by the key rules (CORS ran first and declined) or answered empty; never the handler's 200.
        Assert.Equal(0, runs);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NoContent });
        Assert.DoesNotContain("moved money", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private sealed class DecliningProvider : ICorsPolicyProvider
    {
        public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) => Task.FromResult<CorsPolicy?>(null);
    }
}
