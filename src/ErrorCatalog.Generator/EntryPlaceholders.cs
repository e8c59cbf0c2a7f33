namespace ErrorCatalog.Generator;

/// <summary>An entry's placeholders as declared (inline in the detail first, then under args) and as used.</summary>
internal sealed class EntryPlaceholders
{
    private readonly Dictionary<string, PlaceholderModel> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>In declaration order, the factory's parameter order.</summary>
    public List<PlaceholderModel> Declared { get; } = [];

    public PlaceholderModel? Find(string name) => _byName.TryGetValue(name, out var placeholder) ? placeholder : null;

    /// <summary>Declares <paramref name="name"/> unless it is declared already.</summary>
    public void Add(string name, string type)
    {
        if (!_byName.ContainsKey(name))
        {
            var placeholder = new PlaceholderModel(name, type);
            _byName.Add(name, placeholder);
            Declared.Add(placeholder);
        }
    }

    public bool IsUsed(string name) => _used.Contains(name);

    /// <summary>Marks the template's arguments used; returns those never declared, in the template's order.</summary>
    public List<string> Use(List<SegmentModel> template)
    {
        var undeclared = new List<string>();
        foreach (var segment in template.Where(s => s.Kind == SegmentKind.Argument))
        {
            _used.Add(segment.Text);
            if (!_byName.ContainsKey(segment.Text))
            {
                undeclared.Add(segment.Text);
            }
        }

        return undeclared;
    }
}
