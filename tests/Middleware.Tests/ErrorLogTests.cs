using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// One log line per catalog error, with the request id its body carries: the refusal's own line for a refusal (not a
/// second one from the writer), the writer's line for an endpoint's error; and a 500 answered by an exception handler
/// placed outside the middleware keeps the decision's rate-limit headers.
/// </summary>
public sealed class ErrorLogTests
{
    private static string Config(string key) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "XRateLimit",
            "Plans": { "p": { "Limits": { "minute": { "PermitLimit": 1, "Window": "minute" } } } },
            "ApiKeys": [ { "Id": "key", "Hash": "{{Hash(key)}}", "Plan": "p" } ]
          }
        }
        """;

    [Fact]
    public async Task Refusal_WritesOnlyItsRefusalLine()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var admitted = await api.GetAsync("/ok", key);
        using var refused = await api.GetAsync("/ok", key);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED", 1008);
        var line = Assert.Single(Lines(api.Logs));
        Assert.Equal("RequestRefused", line.Id.Name);
        Assert.Contains(body.GetProperty("requestId").GetString()!, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorReturnedByAnEndpoint_WritesOneLineWithTheBodysRequestId()
    {
        var key = NewKey();
        await using var api = await StartAsync(Config(key));

        using var response = await api.GetAsync("/catalog-error", key);

        var body = await AssertProblemAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
        var line = Assert.Single(Lines(api.Logs));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("ErrorAnswered", line.Id.Name);
        Assert.Equal($"Request {body.GetProperty("requestId").GetString()} answered 404 NOT_FOUND", line.Message);
    }

    [Fact]
    public async Task ExceptionHandlerOutsideTheMiddleware_500CarriesTheRateLimitHeaders_AndOneErrorLine()
    {
        var key = NewKey();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Config(key)))).Build();
        builder.Services.AddApiErrorCatalog(configuration.GetSection("ApiErrorCatalog"));
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.UseApiErrorCatalog();
        app.MapGet("/broken", string () => throw new InvalidOperationException("broken"));
        await app.StartAsync();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add(KeyHeader, key);

        using var response = await client.GetAsync("/broken");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-RateLimit-Limit")));
        Assert.Equal("0", Assert.Single(response.Headers.GetValues("X-RateLimit-Remaining")));
        var body = await ReadJsonAsync(response);
        Assert.Equal("INTERNAL_SERVER_ERROR", body.GetProperty("code").GetString());
        var line = Assert.Single(Lines(app.Services.GetFakeLogCollector()));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.IsType<InvalidOperationException>(line.Exception);
        Assert.Contains(body.GetProperty("requestId").GetString()!, line.Message, StringComparison.Ordinal);
    }

    /// <summary>Every line at Information or above but the host's start-up lines.</summary>
    private static List<FakeLogRecord> Lines(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information && r.Category != "Microsoft.Hosting.Lifetime").ToList();
}
