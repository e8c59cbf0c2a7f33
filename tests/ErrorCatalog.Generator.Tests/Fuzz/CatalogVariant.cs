namespace ErrorCatalog.Generator.Tests.Fuzz;

/// <summary>
/// One mutated errors.yaml: what was done, the text, and the 1-based lines of the mutated text the change touched
/// (a diagnostic for it must fall in <see cref="RegionStart"/>..<see cref="RegionEnd"/>: the touched lines'
/// entries and the entry after, which a deleted or re-indented line can merge into).
/// </summary>
internal sealed record CatalogVariant(
    int Index,
    string Mutation,
    string Text,
    int FirstLine,
    int LastLine,
    int RegionStart,
    int RegionEnd,
    bool MustReject,
    bool Hazard)
{
    public override string ToString() => $"#{Index} {Mutation} (lines {FirstLine}-{LastLine})";
}
