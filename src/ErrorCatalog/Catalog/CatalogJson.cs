using System.Text.Encodings.Web;

namespace ErrorCatalog;

/// <summary>How catalog texts are encoded for JSON, once when an entry is built and again by the writer.</summary>
internal static class CatalogJson
{
    /// <summary>
    /// Escapes quotes, backslashes and control characters and leaves other text readable ("You've", "é").
    /// The output is JSON for API clients; it is not meant to be pasted into HTML.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
