using System.Globalization;
using System.Text;
using ErrorCatalog;
using Microsoft.AspNetCore.WebUtilities;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The "Errors &amp; rate limits" page as HTML: one document, no scripts or external assets (it works offline and
/// without JavaScript), with a language, one h1, headings in order and table headers with their scope.
/// </summary>
internal static partial class DocsHtml
{
    public const string Title = "Errors & rate limits";

    private const string Style = "body{font-family:system-ui,sans-serif;line-height:1.5;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a}"
        + "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}"
        + "pre{background:#f4f4f4;padding:.8rem;overflow:auto}code{font-family:ui-monospace,monospace}"
        + "section.error{border-top:1px solid #ddd;margin-top:1.5rem}dt{font-weight:bold}dd{margin:0 0 .5rem 1rem}";

    /// <summary>The whole page.</summary>
    public static string Page(DocsModel model)
    {
        var html = new StringBuilder();
        Open(html, Title);
        html.Append("<h1>").Append(Encode(Title)).Append("</h1>\n");
        html.Append("<nav aria-label=\"Contents\"><ul><li><a href=\"#keys\">API keys</a></li><li><a href=\"#errors\">Errors</a></li>")
            .Append("<li><a href=\"#limits\">Plans and limits</a></li><li><a href=\"#headers\">Rate-limit headers</a></li>")
            .Append("<li><a href=\"#retrying\">Retrying</a></li></ul></nav>\n");
        Keys(html, model);
        Errors(html, model);
        Limits(html, model);
        Headers(html, model);
        Retrying(html, model);
        return Close(html);
    }

    /// <summary>One entry alone, as a small document: what its type URI opens.</summary>
    public static string Section(DocsModel model, DocsEntry entry)
    {
        var html = new StringBuilder();
        Open(html, entry.Error.Code + " – " + Title);
        Entry(html, model, entry, level: 1);
        html.Append("<p><a href=\"").Append(Attribute(model.Pattern + "#" + entry.Slug)).Append("\">All errors and rate limits</a></p>\n");
        return Close(html);
    }

    /// <summary>A placeholder's type as errors.yaml writes it.</summary>
    public static string TypeName(PlaceholderKind kind) => kind switch
    {
        PlaceholderKind.Int32 => "int",
        PlaceholderKind.Int64 => "long",
        PlaceholderKind.Seconds => "seconds",
        PlaceholderKind.Timestamp => "timestamp",
        PlaceholderKind.UnixTime => "unixtime",
        PlaceholderKind.Boolean => "bool",
        _ => "string",
    };

    private static void Keys(StringBuilder html, DocsModel model)
    {
        var reading = model.Options.KeyReading;
        html.Append("<section id=\"keys\"><h2>API keys</h2>\n<p>Send your key in the ");
        AppendList(html, reading.EffectiveHeaders, " or ");
        html.Append(reading.EffectiveHeaders.Count == 1 ? " header" : " headers");
        if (reading.QueryParameter is { } query)
        {
            html.Append(", or the <code>").Append(Encode(query)).Append("</code> query parameter");
        }

        html.Append(reading.Required ? ". Every endpoint needs one unless it says otherwise." : ". Endpoints that need one say so; the others take requests without a key.")
            .Append("</p></section>\n");
    }

    private static void Errors(StringBuilder html, DocsModel model)
    {
        html.Append("<section id=\"errors\"><h2>Errors</h2>\n<p>Every error has a stable machine code: branch on <code>code</code>")
            .Append(model.Entries.Any(static e => e.Error.NumericCode is not null) ? " (or the numeric code)" : "")
            .Append(", not on the text, which may change.</p>\n<table><caption>Every error</caption><thead><tr>")
            .Append("<th scope=\"col\">Code</th><th scope=\"col\">Numeric code</th><th scope=\"col\">Status</th><th scope=\"col\">Title</th>")
            .Append("</tr></thead><tbody>\n");
        foreach (var entry in model.Entries)
        {
            var error = entry.Error;
            html.Append("<tr><th scope=\"row\"><a href=\"#").Append(Attribute(entry.Slug)).Append("\">").Append(Encode(error.Code)).Append("</a></th><td>")
                .Append(error.NumericCode?.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Status(error.Status))
                .Append("</td><td>").Append(Encode(error.Title)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var entry in model.Entries)
        {
            Entry(html, model, entry, level: 3);
        }

        html.Append("</section>\n");
    }

    private static void Entry(StringBuilder html, DocsModel model, DocsEntry entry, int level)
    {
        var error = entry.Error;
        var slug = Attribute(entry.Slug);
        html.Append("<section class=\"error\" id=\"").Append(slug).Append("\"><h").Append(level).Append('>')
            .Append(Encode(error.Code)).Append("</h").Append(level).Append(">\n<dl>\n");
        Term(html, "Status", Status(error.Status));
        if (error.NumericCode is { } number)
        {
            Term(html, "Numeric code", number.ToString(CultureInfo.InvariantCulture));
        }

        Term(html, "Title", Encode(error.Title));
        if (entry.DetailTemplate.Length > 0)
        {
            Term(html, "Detail", "<code>" + Encode(entry.DetailTemplate) + "</code>");
        }

        if (error.Placeholders.Length > 0)
        {
            Term(html, "Placeholders", string.Join(", ", error.Placeholders.Select(static p => $"<code>{Encode(p.Name)}</code> ({TypeName(p.Kind)})")));
        }

        if (error.Resolution is { } resolution)
        {
            Term(html, "Resolution", Encode(resolution));
        }

        Term(html, "Type", "<code>" + Encode(error.Type) + "</code>");
        var headers = error.Headers.Select(static h => "<code>" + Encode(h.Name) + "</code>").ToList();
        if (entry.IsLimitRefusal && model.Headers.Length > 1)
        {
            headers.Add("the <a href=\"" + Attribute(model.Pattern) + "#headers\">rate-limit headers</a>");
        }

        if (headers.Count > 0)
        {
            Term(html, "Headers", string.Join(", ", headers));
        }

        html.Append("</dl>\n<h").Append(level + 1).Append(">Example</h").Append(level + 1).Append(">\n<pre><code>HTTP/1.1 ")
            .Append(Status(error.Status)).Append("\nContent-Type: ").Append(Encode(error.Shape.ContentType)).Append('\n');
        foreach (var (name, value) in entry.ExampleHeaders)
        {
            html.Append(Encode(name)).Append(": ").Append(Encode(value)).Append('\n');
        }

        html.Append('\n').Append(Encode(entry.ExampleBody)).Append("</code></pre>\n</section>\n");
    }

    // The empty icon keeps browsers from asking the API for /favicon.ico, which it refuses (no key) with a console error.
    private static void Open(StringBuilder html, string title) => html
        .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<link rel=\"icon\" href=\"data:,\">\n")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").Append(Encode(title))
        .Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n");

    private static string Close(StringBuilder html) => html.Append("</main>\n</body>\n</html>\n").ToString();

    private static void Term(StringBuilder html, string term, string definitionHtml) =>
        html.Append("<dt>").Append(term).Append("</dt><dd>").Append(definitionHtml).Append("</dd>\n");

    private static void AppendList(StringBuilder html, IEnumerable<string> names, string separator) =>
        html.AppendJoin(separator, names.Select(static n => "<code>" + Encode(n) + "</code>"));

    private static string Status(int status) =>
        status.ToString(CultureInfo.InvariantCulture) + (ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? " " + phrase : "");

    // Only what HTML needs escaped in text, so the source reads as the page does ("You've", quotes and newlines in examples).
    private static string Encode(string text) => text.AsSpan().IndexOfAny("&<>") < 0
        ? text
        : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    // A double-quoted attribute's value.
    private static string Attribute(string text) => Encode(text).Replace("\"", "&quot;", StringComparison.Ordinal);
}
