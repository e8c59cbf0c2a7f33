using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>What a <see cref="ShapeNode"/> writes.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum ShapeNodeKind : byte
{
    /// <summary>A JSON object of child nodes.</summary>
    Object,
    /// <summary>A constant JSON value, pre-encoded.</summary>
    Literal,
    /// <summary>A single placeholder or system value, written with its own JSON type.</summary>
    Value,
    /// <summary>A string built from a template.</summary>
    Template,
    /// <summary>Every placeholder of the error, spread into the enclosing object.</summary>
    Arguments,
}
