using System.Net;
using System.Text;
using System.Text.Json;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using static ErrorCatalog.Tests.Fakes.TestContexts;

namespace ErrorCatalog.Tests;

/// <summary>The QuickStart sample end to end, with a pro key and a free key of its own added to its configuration.</summary>
public sealed class QuickStartTests(QuickStartTests.Factory factory) : IClassFixture<QuickStartTests.Factory>
{
    private const string Key = "quickstart-tests-7f3c9b1e";
    private const string FreeKey = "quickstart-tests-free-2d8a61c4";

    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", Key);
        var response = await client.GetAsync(path);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>QuickStart with <see cref="Key"/> configured as a pro key.</summary>
    public sealed class Factory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ApiErrorCatalog:ApiKeys:100:Id"] = "quickstart-tests",
                ["ApiErrorCatalog:ApiKeys:100:Hash"] = ApiKeyHash.Compute(Key).ToString(),
                ["ApiErrorCatalog:ApiKeys:100:Plan"] = "pro",
                ["ApiErrorCatalog:ApiKeys:101:Id"] = "quickstart-tests-free",
                ["ApiErrorCatalog:ApiKeys:101:Hash"] = ApiKeyHash.Compute(FreeKey).ToString(),
                ["ApiErrorCatalog:ApiKeys:101:Plan"] = "free",
            }));
    }

    [Theory]
    [InlineData("EUR-USD", 1.0842)]
    [InlineData("gbp-usd", 1.2710)]
    public async Task KnownPair_Returns200WithRate(string pair, double rate)
    {
        var (response, body) = await GetAsync("/v1/rates/" + pair);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = Parse(body);
        Assert.Equal(pair.ToUpperInvariant(), json.GetProperty("pair").GetString());
        Assert.Equal((decimal)rate, json.GetProperty("rate").GetDecimal());
    }

    [Fact]
    public async Task UnknownPair_Returns404Problem()
    {
        var (response, body) = await GetAsync("/v1/rates/XYZ-ABC");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var problem = Parse(body);
        Assert.Equal("/errors/not-found", problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal("No data for pair XYZ-ABC.", problem.GetProperty("detail").GetString());
        Assert.Equal("/v1/rates/XYZ-ABC", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task MalformedPair_Returns400Problem()
    {
        var (response, body) = await GetAsync("/v1/rates/EURUSD");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("BAD_REQUEST", Parse(body).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ErrorList_ListsEveryEntry()
    {
        var (response, body) = await GetAsync("/errors.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = Parse(body).GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(ApiErrors.Catalog.Errors.Count, entries.Length);
        var minute = Assert.Single(entries, e => e.GetProperty("code").GetString() == "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED");
        Assert.Equal(1008, minute.GetProperty("numericCode").GetInt32());
        Assert.Equal(429, minute.GetProperty("status").GetInt32());
        Assert.Equal("MinuteLimit", minute.GetProperty("refusal").GetString());
    }

    [Fact]
    public async Task DocsPage_StatesTheMinuteLimitAndItsError()
    {
        var (response, body) = await GetAsync("/errors");
        var (section, sectionBody) = await GetAsync("/errors/api-key-plan-minute-rate-limit-reached");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = Encoding.UTF8.GetString(body);
        Assert.Contains("<th scope=\"rowgroup\" rowspan=\"2\">free</th><td>minute</td><td>10 requests</td>", html);
        Assert.Contains("<code>/v1/rates/{pair}/spread</code>", html);
        Assert.Equal(HttpStatusCode.OK, section.StatusCode);
        Assert.Contains("<h1>API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED</h1>", Encoding.UTF8.GetString(sectionBody));
    }

    [Fact]
    public async Task MinuteLimitRefusal_TypeUri_OpensThatEntryOnTheSameServer()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", FreeKey);
        HttpResponseMessage? refused = null;

        // The free plan allows 10 a minute; a minute boundary crossed on the way only postpones the refusal.
        for (var i = 0; i < 25 && refused is null; i++)
        {
            var response = await client.GetAsync("/v1/rates/EUR-USD");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            var type = Parse(await refused.Content.ReadAsByteArrayAsync()).GetProperty("type").GetString()!;
            using var reader = factory.CreateClient(); // as curl or a browser follows it: no key
            using var section = await reader.GetAsync(type);

            Assert.Equal("/errors/api-key-plan-minute-rate-limit-reached", type);
            Assert.Equal(HttpStatusCode.OK, section.StatusCode);
            Assert.Equal("text/html", section.Content.Headers.ContentType?.MediaType);
            var html = await section.Content.ReadAsStringAsync();
            Assert.Contains("id=\"api-key-plan-minute-rate-limit-reached\"><h1>API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED</h1>", html);
            Assert.Contains("1008", html);
        }
    }

    [Fact]
    public async Task ErrorInStatusShape_HasRetryAfterAndStatusObject()
    {
        var (response, body) = await GetAsync("/v1/errors/API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED?shape=status");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("42", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = Parse(body).GetProperty("status");
        Assert.Equal(1008, status.GetProperty("error_code").GetInt32());
        Assert.Equal(
            "You've exceeded your API Key's HTTP request rate limit: 10 of 10 requests this minute. Rate limits reset every minute.",
            status.GetProperty("error_message").GetString());
        Assert.Equal(JsonValueKind.String, status.GetProperty("timestamp").ValueKind);
        Assert.Equal(0, status.GetProperty("credit_count").GetInt64());
    }

    [Fact]
    public async Task UnknownShapeOrCode_AreCatalogErrors()
    {
        var (shape, _) = await GetAsync("/v1/errors/RATE_LIMITED?shape=nope");
        var (code, _) = await GetAsync("/v1/errors/NO_SUCH_CODE");

        Assert.Equal(HttpStatusCode.BadRequest, shape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, code.StatusCode);
    }

    [Fact]
    public async Task PostToAGetRoute_Returns405Problem_WithAllow()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", Key);

        using var response = await client.PostAsync("/v1/rates/EUR-USD", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = Parse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(405, problem.GetProperty("status").GetInt32());
        Assert.Equal("BAD_REQUEST", problem.GetProperty("code").GetString());
        Assert.Equal("The server could not process the request: Method Not Allowed", problem.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task UnknownPath_Returns404Problem()
    {
        var (response, body) = await GetAsync("/v2/rates");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = Parse(body);
        Assert.Equal("NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal("No data for /v2/rates.", problem.GetProperty("detail").GetString());
    }
}
