using System.Text.Json;

using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>A typed placeholder of a catalog entry: its name, type and position in <c>ApiError</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PlaceholderDescriptor
{
    /// <summary>Creates a placeholder; called by generated code.</summary>
    public PlaceholderDescriptor(string name, PlaceholderKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        EncodedName = JsonEncodedText.Encode(name, CatalogJson.Encoder);
    }

    /// <summary>The name used in templates, headers and shapes.</summary>
    public string Name { get; }

    /// <summary>The placeholder's type.</summary>
    public PlaceholderKind Kind { get; }

    /// <summary>The name as a JSON property, encoded once.</summary>
    public JsonEncodedText EncodedName { get; }
}
