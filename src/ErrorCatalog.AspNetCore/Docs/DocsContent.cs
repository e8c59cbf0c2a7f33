using System.Collections.Frozen;
using System.Text;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>The docs rendered once: the page, each entry's section, the JSON and the errors.yaml, as UTF-8 bytes served as they are.</summary>
internal sealed class DocsContent
{
    public DocsContent(DocsModel model, CompiledOptions compiled, ApiErrorCatalogOptions options)
    {
        Page = Encoding.UTF8.GetBytes(DocsHtml.Page(model));
        Json = DocsJson.Write(model);
        Sections = [.. model.Entries.Select(entry => KeyValuePair.Create(entry.Slug, Encoding.UTF8.GetBytes(DocsHtml.Section(model, entry))))];
        BySlug = Sections.ToFrozenDictionary(StringComparer.Ordinal);
        var catalog = compiled.Catalog;
        NotFound = (options.StatusErrors.TryGetValue(404, out var code) ? catalog.Find(code) : null)
            ?? catalog.Find("NOT_FOUND")
            ?? catalog.Errors.FirstOrDefault(static e => e.Status == 404);
        Yaml = DocsYaml.Write(model, catalog, NotFound);
    }

    public byte[] Page { get; }

    public byte[] Json { get; }

    /// <summary>The catalog the API answers with, as an errors.yaml for a client's generator.</summary>
    public byte[] Yaml { get; }

    /// <summary>Each entry's section, in catalog order.</summary>
    public KeyValuePair<string, byte[]>[] Sections { get; }

    public FrozenDictionary<string, byte[]> BySlug { get; }

    /// <summary>The entry answering a slug the catalog does not have, as the app answers any unknown resource.</summary>
    public ErrorDescriptor? NotFound { get; }
}
