using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The docs endpoints' handlers and the metadata that marks them (so the middleware needs no key and counts no quota
/// on them, and the export finds them). The content is built once, from the configuration as start-up validated it.
/// </summary>
internal sealed class DocsSource
{
    private const string HtmlType = "text/html; charset=utf-8";
    private const string JsonType = "application/json; charset=utf-8";
    private const string YamlType = "application/yaml; charset=utf-8";

    private readonly Lazy<DocsContent> _content;

    // The app's endpoint sources, read once every endpoint is mapped: the page lists what each costs and requires.
    public DocsSource(string pattern, IServiceProvider services, ICollection<EndpointDataSource> endpoints)
    {
        Pattern = pattern;
        _content = new(() =>
        {
            var compiled = services.GetRequiredService<CompiledOptions>();
            var options = services.GetRequiredService<IOptionsMonitor<ApiErrorCatalogOptions>>().CurrentValue;
            return new DocsContent(new DocsModel(pattern, compiled, options, new CompositeEndpointDataSource(endpoints)), compiled, options);
        });
    }

    public string Pattern { get; }

    public DocsContent Content => _content.Value;

    public Task Page(HttpContext context)
    {
        context.Response.Headers.Vary = HeaderNames.Accept;
        return WantsJson(context.Request) ? Send(context, Content.Json, JsonType) : Send(context, Content.Page, HtmlType);
    }

    public Task Json(HttpContext context) => Send(context, Content.Json, JsonType);

    public Task Yaml(HttpContext context) => Send(context, Content.Yaml, YamlType);

    public Task Section(HttpContext context)
    {
        var slug = context.Request.RouteValues["slug"] as string ?? string.Empty;
        if (Content.BySlug.TryGetValue(slug, out var section))
        {
            return Send(context, section, HtmlType);
        }

        if (Content.NotFound is not { } notFound)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var error = new ApiError(notFound);
        error.TrySet("resource", $"error '{slug}'");
        error.TrySet("reason", $"no error '{slug}'");
        return error.ExecuteAsync(context);
    }

    private static Task Send(HttpContext context, byte[] body, string contentType)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    // A browser asks for HTML; a client that ranks JSON above HTML gets the JSON (parsed only when JSON is named).
    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        double json = 0, html = 0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
            else if (type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
        }

        return json > html;
    }
}
