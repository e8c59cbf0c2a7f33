using System.Text;

using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>
/// One piece of a template: literal UTF-8 text, a placeholder of the error, or a value of the request
/// (<c>{$code}</c>). Templates are split once, by the generator, so writing one never parses.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TemplateSegment
{
    private TemplateSegment(byte[]? literal, string? placeholder, SystemValue system)
    {
        Utf8 = literal;
        Placeholder = placeholder;
        System = system;
    }

    /// <summary>Literal text as UTF-8, or null.</summary>
    public byte[]? Utf8 { get; }

    /// <summary>The placeholder named here, or null.</summary>
    public string? Placeholder { get; }

    /// <summary>The request value named here, or <see cref="SystemValue.None"/>.</summary>
    public SystemValue System { get; }

    /// <summary>Literal text.</summary>
    public static TemplateSegment Literal(ReadOnlySpan<byte> utf8) => new(utf8.ToArray(), null, SystemValue.None);

    /// <summary>Literal text.</summary>
    public static TemplateSegment Literal(string text) => new(Encoding.UTF8.GetBytes(text), null, SystemValue.None);

    /// <summary>A placeholder of the error being written.</summary>
    public static TemplateSegment Argument(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(null, name, SystemValue.None);
    }

    /// <summary>A value of the error or the request.</summary>
    public static TemplateSegment Value(SystemValue value) => new(null, null, value);

    internal static bool UsesRequestId(TemplateSegment[] template)
    {
        foreach (var segment in template)
        {
            if (segment.System == SystemValue.RequestId)
            {
                return true;
            }
        }

        return false;
    }
}
