using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>A response header a catalog entry sets from its placeholders (<c>Retry-After: "{retryAfter}"</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HeaderTemplate
{
    /// <summary>Creates a header template; called by generated code.</summary>
    public HeaderTemplate(string name, TemplateSegment[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
    }

    /// <summary>The header name.</summary>
    public string Name { get; }

    /// <summary>The value's template.</summary>
    public TemplateSegment[] Value { get; }
}
