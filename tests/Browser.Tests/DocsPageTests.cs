using System.Text.Json;
using Microsoft.Playwright;

namespace ErrorCatalog.Browser.Tests;

/// <summary>QuickStart's "Errors &amp; rate limits" page (/errors) as a reader's browser shows it.</summary>
public sealed class DocsPageTests(Chromium chromium, QuickStartServer server) : IClassFixture<Chromium>, IClassFixture<QuickStartServer>
{
    [Fact]
    public async Task Page_RendersWithNoConsoleOrScriptErrors()
    {
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = PageErrors.Watch(page);

        var response = await page.GotoAsync(new Uri(server.Address, "errors").ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.Equal(200, response!.Status);
        Assert.Equal("Errors & rate limits", await page.TitleAsync());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Errors & rate limits");
        await Assertions.Expect(page.Locator("section#errors table")).ToBeVisibleAsync();
        Assert.True(errors.Errors.Count == 0, string.Join('\n', errors.Errors));
    }

    [Theory]
    [InlineData("errors")]
    [InlineData("errors/api-key-plan-minute-rate-limit-reached")]
    public async Task Page_HasLang_OneH1_HeadingsInOrder_AndHeadersInEveryTable(string path)
    {
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(new Uri(server.Address, path).ToString());
        Assert.Equal(200, response!.Status);

        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("html").GetAttributeAsync("lang")));
        await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);

        // Document order: the first heading is the h1, and going down never skips a level (h2 to h4).
        var levels = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => Number(h.tagName[1]))");
        Assert.Equal(1, levels[0]);
        for (var i = 1; i < levels.Length; i++)
        {
            Assert.True(levels[i] <= levels[i - 1] + 1, $"heading {i} is h{levels[i]} right after an h{levels[i - 1]}: {string.Join(",", levels)}");
        }

        var tables = await page.EvaluateAsync<JsonElement>(
            "() => [...document.querySelectorAll('table')].map(t => ({ caption: t.caption?.textContent ?? '', headers: t.querySelectorAll('th').length, "
            + "withoutScope: t.querySelectorAll('th:not([scope])').length }))");
        foreach (var table in tables.EnumerateArray())
        {
            var caption = table.GetProperty("caption").GetString();
            Assert.True(table.GetProperty("headers").GetInt32() > 0, $"table '{caption}' has no th");
            Assert.True(table.GetProperty("withoutScope").GetInt32() == 0, $"table '{caption}' has a th without scope");
        }
    }

    [Fact]
    public async Task FullPage_HasTables()
    {
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Address, "errors").ToString());

        // The check above means something only if the page has tables: the errors' and each plan's.
        Assert.True(await page.Locator("table").CountAsync() >= 2);
    }

    [Fact]
    public async Task EntryAnchor_TargetsAndScrollsToTheEntry()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 700 } });
        var page = await context.NewPageAsync();

        // The last entry is far below the first screen: the browser must scroll to it.
        await page.GotoAsync(new Uri(server.Address, "errors").ToString());
        var slug = await page.Locator("section#errors section.error").Last.GetAttributeAsync("id");
        Assert.False(string.IsNullOrEmpty(slug));
        await Assertions.Expect(page.Locator($"[id='{slug}'] h3")).Not.ToBeInViewportAsync();

        await page.GotoAsync(new Uri(server.Address, "errors#" + slug).ToString());

        var entry = page.Locator($"[id='{slug}']");
        await Assertions.Expect(entry).ToHaveCountAsync(1);
        await Assertions.Expect(entry).ToBeVisibleAsync();
        Assert.Equal(slug, await page.EvaluateAsync<string?>("() => document.querySelector(':target')?.id ?? null"));
        await Assertions.Expect(entry.Locator("h3")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task EveryInPageLink_HasATarget()
    {
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Address, "errors").ToString());

        var broken = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('a[href*=\"#\"]')].map(a => new URL(a.href)).filter(u => u.pathname === location.pathname)"
            + ".map(u => decodeURIComponent(u.hash.slice(1))).filter(id => !document.getElementById(id))");

        Assert.Empty(broken);
    }
}
