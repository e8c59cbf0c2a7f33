using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ErrorCatalog.Browser.Tests;

/// <summary>A client that gets a 429 from QuickStart and opens the body's <c>type</c> URI lands on that error's docs.</summary>
public sealed class TypeUriTests(Chromium chromium, QuickStartServer server, ITestOutputHelper output) : IClassFixture<Chromium>, IClassFixture<QuickStartServer>
{
    [Fact]
    public async Task TypeUri_OfA429Body_OpensThatEntrysSection()
    {
        var (code, type) = await ExhaustMinuteLimitAsync();
        output.WriteLine($"429 {code}, type {type}: opening {DocsUrl(type)}");

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = PageErrors.Watch(page);
        var response = await page.GotoAsync(DocsUrl(type).ToString());

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(code);
        Assert.True(errors.Errors.Count == 0, string.Join('\n', errors.Errors));
    }

    // The free key's limit is 10 a minute on a clock that does not move: the next request is refused.
    private async Task<(string Code, string Type)> ExhaustMinuteLimitAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/rates/EUR-USD");
            request.Headers.Add("X-API-Key", QuickStartServer.FreeKey);
            using var response = await server.Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return (body.RootElement.GetProperty("code").GetString()!, body.RootElement.GetProperty("type").GetString()!);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        throw new InvalidOperationException("No 429 after 20 requests with the free key.");
    }

    // A relative type (typeBase /errors/) is a path on this server, as a browser resolves it against the API's
    // address; an absolute one on another site is served here too, at the docs route's /errors/{slug}.
    private Uri DocsUrl(string type)
    {
        var uri = new Uri(server.Address, type);
        if (uri.Authority == server.Address.Authority)
        {
            return uri;
        }

        var slug = uri.Fragment.Length > 1 ? uri.Fragment[1..] : uri.Segments[^1].TrimEnd('/');
        return new Uri(server.Address, "errors/" + slug);
    }
}
