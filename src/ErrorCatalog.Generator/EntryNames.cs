namespace ErrorCatalog.Generator;

/// <summary>What the catalog's entries must not share, each with the code that took it first.</summary>
internal sealed class EntryNames
{
    /// <summary>Each code's node, whose line a repeat's error names.</summary>
    public Dictionary<string, YamlNode> Codes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Members { get; } = new(StringComparer.Ordinal);

    public Dictionary<int, string> Numbers { get; } = [];

    public Dictionary<string, string> Refusals { get; } = new(StringComparer.Ordinal);
}
