namespace ErrorCatalog.Generator.Model;

/// <summary>One errors.yaml entry, ready to emit.</summary>
internal sealed record ErrorModel(
    string Code,
    string MemberName,
    int? NumericCode,
    int Status,
    string Title,
    EquatableArray<SegmentModel> Detail,
    string? Resolution,
    string Type,
    string? Refusal,
    EquatableArray<PlaceholderModel> Placeholders,
    EquatableArray<HeaderModel> Headers,
    string? Shape);
