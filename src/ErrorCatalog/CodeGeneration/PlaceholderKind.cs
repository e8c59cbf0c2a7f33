using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>The type of a placeholder in errors.yaml (<c>{name:type}</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum PlaceholderKind : byte
{
    /// <summary><c>string</c>: text, escaped where written.</summary>
    String,
    /// <summary><c>int</c>: a 32-bit integer, a JSON number.</summary>
    Int32,
    /// <summary><c>long</c>: a 64-bit integer, a JSON number.</summary>
    Int64,
    /// <summary><c>seconds</c>: a <see cref="TimeSpan"/> written as whole seconds, rounded up.</summary>
    Seconds,
    /// <summary><c>timestamp</c>: a <see cref="DateTimeOffset"/> written as ISO 8601 UTC with milliseconds.</summary>
    Timestamp,
    /// <summary><c>unixtime</c>: a <see cref="DateTimeOffset"/> written as whole unix seconds.</summary>
    UnixTime,
    /// <summary><c>bool</c>: true or false.</summary>
    Boolean,
}
