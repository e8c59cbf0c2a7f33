namespace ErrorCatalog.Generator.Model;

/// <summary>What a shape node writes.</summary>
internal enum NodeKind
{
    Object,
    Literal,
    Argument,
    System,
    Template,
    Arguments,
}

/// <summary>
/// A shape node. <see cref="Text"/> is the literal's JSON, the placeholder or system value name;
/// <see cref="Template"/> a template string; <see cref="Children"/> an object's properties.
/// </summary>
internal sealed record NodeModel(
    NodeKind Kind,
    string? Name,
    string Text,
    EquatableArray<SegmentModel> Template,
    EquatableArray<NodeModel> Children);

/// <summary>A body shape declared under <c>shapes:</c>.</summary>
internal sealed record ShapeModel(string Name, string ContentType, NodeModel Root);
