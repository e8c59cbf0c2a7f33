using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace ErrorCatalog.Testing;

/// <summary>
/// The served "Errors &amp; rate limits" page as a reader sees it: its text with the tags gone, HTML-decoded and with
/// whitespace collapsed, so that a vendor page's facts can be looked for in it word for word.
/// </summary>
public sealed partial class DocsPageText
{
    private readonly string _html;

    private DocsPageText(string html)
    {
        _html = html;
        Text = ToText(html);
    }

    /// <summary>The whole page's text, single spaces between words and cells.</summary>
    public string Text { get; }

    /// <summary>GETs <paramref name="path"/> and asserts an HTML 200.</summary>
    public static async Task<DocsPageText> ReadAsync(HttpClient client, string path = "/errors")
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return new DocsPageText(html);
    }

    /// <summary>The text of the entry whose heading is <paramref name="code"/> (its dl and example), asserted present.</summary>
    public string Entry(string code)
    {
        var match = Regex.Match(_html, "<section class=\"error\" id=\"[^\"]*\"><h3>" + Regex.Escape(WebUtility.HtmlEncode(code)) + "</h3>(.*?)</section>", RegexOptions.Singleline);
        Assert.True(match.Success, $"The page has no entry {code}.");
        return ToText(match.Groups[1].Value);
    }

    /// <summary>Asserts the page's text contains <paramref name="fact"/> (after collapsing its whitespace too).</summary>
    /// <remarks>Spaces around <paramref name="fact"/> are kept, to match whole words or cells.</remarks>
    public void Contains(string fact) => AssertContains(Whitespace().Replace(fact, " "), Text);

    /// <summary>Asserts <paramref name="code"/>'s entry contains each of <paramref name="facts"/>.</summary>
    public void EntryContains(string code, params string[] facts)
    {
        var entry = Entry(code);
        foreach (var fact in facts)
        {
            AssertContains(Whitespace().Replace(fact, " "), entry, code);
        }
    }

    private static void AssertContains(string fact, string text, string? where = null) =>
        Assert.True(text.Contains(fact, StringComparison.Ordinal), $"Not on the page{(where is null ? "" : " in " + where)}: \"{fact}\"");

    // A tag separates words (cells, list items), so it becomes a space before decoding.
    private static string ToText(string html) => Collapse(WebUtility.HtmlDecode(Tag().Replace(Style().Replace(html, " "), " ")));

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex("<style>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex Style();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
