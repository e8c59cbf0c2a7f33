using Microsoft.AspNetCore.Routing;

namespace ErrorCatalog.Middleware;

/// <summary>Writes the docs as static files: what a docs site publishes, from the same bytes the app serves.</summary>
internal static class DocsExport
{
    public static DocsSource Find(IEndpointRouteBuilder endpoints)
    {
        foreach (var source in endpoints.DataSources)
        {
            foreach (var endpoint in source.Endpoints)
            {
                if (endpoint.Metadata.GetMetadata<DocsSource>() is { } docs)
                {
                    return docs;
                }
            }
        }

        throw new InvalidOperationException("Call app.MapErrorCatalogDocs() before exporting the page: the export writes what it serves.");
    }

    public static async Task WriteAsync(DocsSource docs, string directory, CancellationToken cancellationToken)
    {
        var content = docs.Content;
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "index.html"), content.Page, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, "errors.json"), content.Json, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, "errors.yaml"), content.Yaml, cancellationToken).ConfigureAwait(false);
        foreach (var (slug, section) in content.Sections)
        {
            // slug/index.html: every static host serves it at .../slug, the entry's type URI.
            var folder = Path.Combine(directory, slug);
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "index.html"), section, cancellationToken).ConfigureAwait(false);
        }
    }
}
