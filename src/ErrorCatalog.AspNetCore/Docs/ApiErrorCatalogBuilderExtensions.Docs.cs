using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.AspNetCore.Builder;

// The "Errors & rate limits" page, served and exported from the catalog and the running configuration.
public static partial class ApiErrorCatalogBuilderExtensions
{
    // The command-line verb of TryExportErrorCatalogDocsAsync.
    private const string DocsExportCommand = "errorcatalog-docs";

    /// <summary>
    /// Serves the "Errors &amp; rate limits" page, built once from the resolved catalog and the configured plans, limits
    /// and rate-limit headers: <c>GET {pattern}</c> (HTML, or JSON for a client that asks for it in <c>Accept</c>),
    /// <c>GET {pattern}.json</c>, <c>GET {pattern}/errors.yaml</c> (the catalog the API answers with, for a client's
    /// generator: ErrorCatalog.Client), and <c>GET {pattern}/{slug}</c> for each entry's section, so that an entry's
    /// <c>type</c> URI opens its section when errors.yaml's <c>typeBase</c> is this route (<c>/errors/</c>).
    /// Like the OpenAPI document, the page needs no key, spends no key's quota and is left out of the API description.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="pattern">The page's route. Default <c>/errors</c>.</param>
    /// <returns>The group of the page's endpoints, for further conventions.</returns>
    public static RouteGroupBuilder MapErrorCatalogDocs(this IEndpointRouteBuilder endpoints, string pattern = "/errors")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (endpoints.ServiceProvider.GetService<ApiErrorCatalogOptionsValidator>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddApiErrorCatalog(...) before app.MapErrorCatalogDocs().");
        }

        pattern = "/" + pattern.Trim('/');
        var source = new DocsSource(pattern, endpoints.ServiceProvider, endpoints.DataSources);

        // Rendered when the app starts, not on the first reader's request: every endpoint is mapped by then.
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStarted.Register(static s => _ = ((DocsSource)s!).Content, source);

        var group = endpoints.MapGroup(string.Empty);
        group.WithMetadata(source).ExcludeFromDescription();
        group.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], source.Page).WithDisplayName("Errors & rate limits");
        group.MapMethods(pattern + ".json", [HttpMethods.Get, HttpMethods.Head], source.Json).WithDisplayName("Errors & rate limits (JSON)");
        // A literal segment outranks {slug}: no entry's section can take the file's route.
        group.MapMethods(pattern + "/errors.yaml", [HttpMethods.Get, HttpMethods.Head], source.Yaml).WithDisplayName("Errors & rate limits (errors.yaml)");
        group.MapMethods(pattern + "/{slug}", [HttpMethods.Get, HttpMethods.Head], source.Section).WithDisplayName("Errors & rate limits: one error");
        return group;
    }

    /// <summary>
    /// Writes the page of <see cref="MapErrorCatalogDocs"/> to <paramref name="directory"/> for a static host:
    /// <c>index.html</c>, <c>errors.json</c>, <c>errors.yaml</c> and <c>{slug}/index.html</c> per entry (so <c>{pattern}/{slug}</c> resolves there too).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="MapErrorCatalogDocs"/> was not called.</exception>
    public static Task ExportErrorCatalogDocsAsync(this IEndpointRouteBuilder endpoints, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return DocsExport.WriteAsync(DocsExport.Find(endpoints), directory, cancellationToken);
    }

    /// <summary>
    /// When <paramref name="args"/> are <c>errorcatalog-docs &lt;directory&gt;</c> (<c>dotnet run -- errorcatalog-docs site/errors</c>
    /// in CI), writes the page there as <see cref="ExportErrorCatalogDocsAsync"/> does and returns true: the app should
    /// then exit without running. Otherwise writes nothing and returns false.
    /// </summary>
    public static async Task<bool> TryExportErrorCatalogDocsAsync(this IEndpointRouteBuilder endpoints, string[] args)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(args);
        var verb = Array.IndexOf(args, DocsExportCommand);
        if (verb < 0)
        {
            return false;
        }

        if (verb + 1 >= args.Length || args[verb + 1].StartsWith('-'))
        {
            throw new ArgumentException($"'{DocsExportCommand}' needs the directory to write to: {DocsExportCommand} <directory>.", nameof(args));
        }

        await endpoints.ExportErrorCatalogDocsAsync(args[verb + 1]).ConfigureAwait(false);
        return true;
    }
}
