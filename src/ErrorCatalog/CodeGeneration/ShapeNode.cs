using System.Text.Json;

using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>One property of a body shape. Built by generated code, written by the ASP.NET Core package's writer.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ShapeNode
{
    private ShapeNode(ShapeNodeKind kind, string? name)
    {
        Kind = kind;
        Name = name;
        EncodedName = name is null ? default : JsonEncodedText.Encode(name, CatalogJson.Encoder);
    }

    /// <summary>What this node writes.</summary>
    public ShapeNodeKind Kind { get; }

    /// <summary>The property name (null for the root object and for a spread).</summary>
    public string? Name { get; }

    /// <summary>The property name, encoded once.</summary>
    public JsonEncodedText EncodedName { get; }

    /// <summary>Child properties of an object.</summary>
    public ShapeNode[] Children { get; private init; } = [];

    /// <summary>The constant JSON text of a literal (UTF-8, already valid JSON).</summary>
    public byte[] LiteralJson { get; private init; } = [];

    /// <summary>The template of a string built from text and values.</summary>
    public TemplateSegment[] Template { get; private init; } = [];

    /// <summary>The placeholder of a value node, or null.</summary>
    public string? Placeholder { get; private init; }

    /// <summary>The system value of a value node.</summary>
    public SystemValue System { get; private init; }

    /// <summary>Whether a <c>$details</c> node is left out when there are none, instead of written as null.</summary>
    internal bool OmittedWhenAbsent { get; private init; }

    /// <summary>An object property (or the root object when <paramref name="name"/> is null).</summary>
    public static ShapeNode Object(string? name, params ShapeNode[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        return new(ShapeNodeKind.Object, name) { Children = children };
    }

    /// <summary>A constant: <paramref name="json"/> is UTF-8 JSON (<c>null</c>, <c>0</c>, <c>"text"</c>).</summary>
    public static ShapeNode Literal(string name, ReadOnlySpan<byte> json) =>
        new(ShapeNodeKind.Literal, name) { LiteralJson = json.ToArray() };

    /// <summary>A placeholder of the error, written with its own JSON type.</summary>
    public static ShapeNode Argument(string name, string placeholder) =>
        new(ShapeNodeKind.Value, name) { Placeholder = placeholder };

    /// <summary>A value of the entry or the request, written with its own JSON type.</summary>
    public static ShapeNode Value(string name, SystemValue value) =>
        new(ShapeNodeKind.Value, name) { System = value };

    /// <summary>The details (validation errors by field) under <paramref name="name"/>, left out when there are none.</summary>
    internal static ShapeNode OptionalDetails(string name) =>
        new(ShapeNodeKind.Value, name) { System = SystemValue.Details, OmittedWhenAbsent = true };

    /// <summary>A string built from a template.</summary>
    public static ShapeNode Text(string name, params TemplateSegment[] template) =>
        new(ShapeNodeKind.Template, name) { Template = template };

    /// <summary>Spreads every placeholder of the error into the enclosing object.</summary>
    public static ShapeNode Arguments() => new(ShapeNodeKind.Arguments, null);
}
