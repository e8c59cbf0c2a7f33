using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The docs endpoints' handlers and the metadata that marks them (so the middleware needs no key and counts no quota
/// on them, and the export finds them). The content is built once, from the configuration as start-up validated it,
/// and again on the first request after a configuration reload changed the plans (see <see cref="RunningOptions"/>).
/// </summary>
internal sealed class DocsSource
{
    private const string HtmlType = "text/html; charset=utf-8";
    private const string JsonType = "application/json; charset=utf-8";
    private const string YamlType = "application/yaml; charset=utf-8";

    private readonly IServiceProvider _services;
    private readonly ICollection<EndpointDataSource> _endpoints;
    private RunningOptions? _running;
    private Built? _built;

    // The app's endpoint sources, read once every endpoint is mapped: the page lists what each costs and requires.
    public DocsSource(string pattern, IServiceProvider services, ICollection<EndpointDataSource> endpoints)
    {
        Pattern = pattern;
        _services = services;
        _endpoints = endpoints;
    }

    public string Pattern { get; }

    /// <summary>The content for the running plans: built when first read and after a reload (two readers may both build it, alike).</summary>
    public DocsContent Content
    {
        get
        {
            // Resolved on first use, not when the endpoints are mapped: a bad configuration fails at start-up, as without docs.
            var compiled = (_running ??= _services.GetRequiredService<RunningOptions>()).Current;
            var built = Volatile.Read(ref _built);
            if (built is null || !ReferenceEquals(built.Compiled, compiled))
            {
                // The compiled options carry the running values of every setting, restart-only ones included.
                var options = compiled.Book.Options;
                built = new Built(compiled, new DocsContent(new DocsModel(Pattern, compiled, options, new CompositeEndpointDataSource(_endpoints)), compiled, options));
                Volatile.Write(ref _built, built);
            }

            return built.Content;
        }
    }

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

    private sealed record Built(CompiledOptions Compiled, DocsContent Content);

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
