namespace ErrorCatalog.Generator.Model;

/// <summary>A whole errors.yaml: only strings, numbers and equatable arrays, so the pipeline can cache it.</summary>
internal sealed record CatalogModel(
    string Namespace,
    string ClassName,
    string? DefaultShape,
    EquatableArray<ShapeModel> Shapes,
    EquatableArray<ErrorModel> Errors);

/// <summary>What parsing one file produced: a model (null when errors prevent emitting) and diagnostics.</summary>
internal sealed record ParseResult(string FilePath, CatalogModel? Catalog, EquatableArray<DiagnosticInfo> Diagnostics);
