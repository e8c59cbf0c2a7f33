namespace ErrorCatalog.Generator.Model;

/// <summary>What a template segment is.</summary>
internal enum SegmentKind
{
    Literal,
    Argument,
    System,
}

/// <summary>A piece of a template: literal text, a placeholder name, or a system value name (without '$').</summary>
internal sealed record SegmentModel(SegmentKind Kind, string Text);

/// <summary>A typed placeholder: its name and errors.yaml type keyword.</summary>
internal sealed record PlaceholderModel(string Name, string Type);

/// <summary>A response header an error sets.</summary>
internal sealed record HeaderModel(string Name, EquatableArray<SegmentModel> Value);
