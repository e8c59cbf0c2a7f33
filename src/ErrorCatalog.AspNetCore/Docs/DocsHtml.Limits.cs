using System.Globalization;
using System.Text;

namespace ErrorCatalog.Middleware;

// The plans and their limits, the rate-limit headers and the retry guidance that follows from them.
internal static partial class DocsHtml
{
    private static void Limits(StringBuilder html, DocsModel model)
    {
        html.Append("<section id=\"limits\"><h2>Plans and limits</h2>\n");
        if (model.Book.Plans.Count > 0)
        {
            html.Append("<p>Windows are fixed and aligned to the UTC clock unless marked sliding: a minute starts at :00, a day at 00:00 UTC, ")
                .Append("a month at 00:00 UTC on the 1st. Each limit is refused with the error named beside it.</p>\n")
                .Append("<table><caption>Limits by plan</caption><thead><tr><th scope=\"col\">Plan</th><th scope=\"col\">Limit</th>")
                .Append("<th scope=\"col\">Permit</th><th scope=\"col\">Window</th><th scope=\"col\">Counted for</th><th scope=\"col\">Refused with</th>")
                .Append("</tr></thead>\n");
            foreach (var plan in model.Book.Plans.Values)
            {
                // One row group per plan: its name heads every limit row of the group.
                var features = plan.Features.Where(f => f != plan.Name).Order(StringComparer.Ordinal).ToArray();
                html.Append("<tbody><tr><th scope=\"rowgroup\" rowspan=\"").Append(Math.Max(1, plan.Limits.Length)).Append("\">").Append(Encode(plan.Name))
                    .Append(features.Length > 0 ? "<br>features: " + string.Join(", ", features.Select(Encode)) : "")
                    .Append(model.OverageOffered(plan) ? "<br>overage available: billed instead of refused past the credit quota" : "").Append("</th>");
                if (plan.Limits.Length == 0)
                {
                    html.Append("<td colspan=\"5\">Unlimited (only the IP limit applies)</td></tr>\n");
                }

                for (var i = 0; i < plan.Limits.Length; i++)
                {
                    LimitCells(html.Append(i == 0 ? "" : "<tr>"), plan.Limits[i]);
                }

                html.Append("</tbody>\n");
            }

            html.Append("</table>\n");
        }

        if (model.Book.IpLimit is { } ip)
        {
            html.Append("<p>Every client IP address, with or without a key: ").Append(Encode(ip.Description)).Append(ip.Sliding ? " (sliding window)" : "")
                .Append(", refused with <a href=\"#").Append(Attribute(SlugOf(model, ip))).Append("\"><code>")
                .Append(Encode(ip.Error.Code)).Append("</code></a>.</p>\n");
        }

        Costs(html, model);
        html.Append("</section>\n");
    }

    private static void LimitCells(StringBuilder html, LimitDefinition limit) => html
        .Append("<td>").Append(Encode(limit.Name)).Append("</td><td>")
        .Append(limit.PermitLimit.ToString("N0", CultureInfo.InvariantCulture)).Append(' ').Append(DocsModel.Counts(limit.Kind))
        .Append("</td><td>").Append(Encode(DocsModel.Window(limit))).Append("</td><td>").Append(DocsModel.Whom(limit.Scope))
        .Append("</td><td><code>").Append(Encode(limit.Error.Code)).Append("</code></td></tr>\n");

    private static void Costs(StringBuilder html, DocsModel model)
    {
        var credits = model.Book.Plans.Values.Any(static p => p.Limits.Any(static l => l.Kind == LimitKind.Credits));
        if (credits)
        {
            html.Append("<p>A request costs ").Append(model.Options.DefaultCredits.ToString(CultureInfo.InvariantCulture))
                .Append(" credit(s) unless its endpoint states otherwise.</p>\n");
        }

        if (model.Endpoints.Length > 0)
        {
            html.Append("<table><caption>Endpoints with a cost or a requirement</caption><thead><tr><th scope=\"col\">Endpoint</th>")
                .Append("<th scope=\"col\">Methods</th><th scope=\"col\">Credits</th><th scope=\"col\">Plans or features</th><th scope=\"col\">Scopes</th>")
                .Append("</tr></thead><tbody>\n");
            foreach (var endpoint in model.Endpoints)
            {
                html.Append("<tr><th scope=\"row\"><code>").Append(Encode(endpoint.Route)).Append("</code></th><td>").Append(Encode(endpoint.Methods))
                    .Append("</td><td>").Append(endpoint.JsonRpc ? "by JSON-RPC method" : endpoint.Credits?.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(Encode(string.Join(", ", endpoint.Plans))).Append("</td><td>")
                    .Append(Encode(string.Join(", ", endpoint.Scopes))).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        var methods = model.Options.JsonRpc.Methods;
        if (methods.Count > 0 && model.Endpoints.Any(static e => e.JsonRpc))
        {
            html.Append("<table><caption>Credits per JSON-RPC method (others cost ")
                .Append(model.Options.JsonRpc.DefaultCost.ToString(CultureInfo.InvariantCulture))
                .Append(")</caption><thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Credits</th></tr></thead><tbody>\n");
            foreach (var (method, cost) in methods)
            {
                html.Append("<tr><th scope=\"row\"><code>").Append(Encode(method)).Append("</code></th><td>")
                    .Append(cost.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }
    }

    private static void Headers(StringBuilder html, DocsModel model)
    {
        html.Append("<section id=\"headers\"><h2>Rate-limit headers</h2>\n<p>")
            .Append(model.Headers.Length > 1 ? "Every counted response, success or refusal, carries these headers:" : "Refusals carry:")
            .Append("</p>\n<table><caption>Response headers</caption><thead><tr><th scope=\"col\">Header</th><th scope=\"col\">Meaning</th></tr></thead><tbody>\n");
        foreach (var header in model.Headers)
        {
            html.Append("<tr><th scope=\"row\"><code>").Append(Encode(header.Name)).Append("</code></th><td>").Append(Encode(header.Meaning)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void Retrying(StringBuilder html, DocsModel model)
    {
        var reset = model.Headers.Any(static h => h.Name == "X-RateLimit-Reset")
            ? " The limit's window resets at <code>X-RateLimit-Reset</code> (unix seconds)."
            : model.Headers.Any(static h => h.Name == "RateLimit") ? " Each limit's window resets <code>t</code> seconds from now, as <code>RateLimit</code> says." : "";
        html.Append("<section id=\"retrying\"><h2>Retrying</h2>\n<ul>\n")
            .Append("<li>On <strong>429</strong>, wait the seconds of <code>Retry-After</code> before the next request, then retry.").Append(reset).Append("</li>\n")
            .Append(Any(model, static l => l.Kind == LimitKind.Concurrency)
                ? "<li>A refusal for requests in flight clears as soon as one of the key's requests ends; retry after <code>Retry-After</code>.</li>\n" : "")
            .Append(Any(model, static l => l.Window.CalendarMonth)
                ? "<li>A monthly quota resets at 00:00 UTC on the 1st of the month: retrying earlier is refused again.</li>\n" : "")
            .Append("<li>On <strong>503</strong>, retry with exponential backoff, honouring <code>Retry-After</code> when present.</li>\n")
            .Append("<li>On <strong>401</strong>, <strong>402</strong> and <strong>403</strong>, do not retry unchanged: fix the key, the plan or the scope first.</li>\n")
            .Append("</ul></section>\n");
    }

    private static bool Any(DocsModel model, Func<LimitDefinition, bool> test) =>
        model.Book.Plans.Values.Any(p => p.Limits.Any(test)) || (model.Book.IpLimit is { } ip && test(ip));

    private static string SlugOf(DocsModel model, LimitDefinition limit) =>
        model.Entries.FirstOrDefault(e => ReferenceEquals(e.Error, limit.Error))?.Slug ?? DocsSlug.FromCode(limit.Error.Code);
}
