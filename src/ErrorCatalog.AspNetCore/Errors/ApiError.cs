using System.ComponentModel;
using System.Diagnostics;

namespace ErrorCatalog;

/// <summary>
/// An occurrence of a catalog error: its descriptor and its placeholder values, held inline (no boxing,
/// no strings built). Made by the generated <c>ApiErrors</c> factories, or by the middleware from a
/// descriptor, filling the values it knows by name.
/// </summary>
/// <remarks>
/// A mutable struct on purpose: the middleware fills values in place. Pass it by <c>in</c>/<c>ref</c>.
/// Values never set are left out of the body and headers.
/// </remarks>
[DebuggerDisplay("{Descriptor}")]
public partial struct ApiError
{
    private ErrorArguments _arguments;
    private byte _set;

    /// <summary>Starts an error with no values set.</summary>
    public ApiError(ErrorDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        Descriptor = descriptor;
    }

    /// <summary>The catalog entry.</summary>
    public readonly ErrorDescriptor Descriptor { get; }

    /// <summary>The HTTP status.</summary>
    public readonly int Status => Descriptor.Status;

    /// <summary>The machine code.</summary>
    public readonly string Code => Descriptor.Code;

    /// <summary>Whether the placeholder at <paramref name="index"/> has a value.</summary>
    internal readonly bool IsSet(int index) => (uint)index < ErrorArguments.Capacity && (_set & (1 << index)) != 0;

    /// <summary>The value at <paramref name="index"/>; check <see cref="IsSet"/> first.</summary>
    internal readonly ErrorArgument this[int index] => _arguments[index];

    /// <summary>Sets a placeholder by position (generated factories use this).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, long value) => SetCore(index, new ErrorArgument(value, null));

    /// <summary>Sets a placeholder by position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, int value) => SetCore(index, new ErrorArgument(value, null));

    /// <summary>Sets a <c>string</c> placeholder by position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, string? value) => SetCore(index, new ErrorArgument(0, value ?? string.Empty));

    /// <summary>Sets a <c>bool</c> placeholder by position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, bool value) => SetCore(index, new ErrorArgument(value ? 1 : 0, null));

    /// <summary>Sets a <c>seconds</c> placeholder by position: stored as whole seconds, rounded up, never negative.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, TimeSpan value) => SetCore(index, new ErrorArgument(ToWholeSeconds(value), null));

    /// <summary>Sets a <c>timestamp</c> or <c>unixtime</c> placeholder by position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Set(int index, DateTimeOffset value) => SetCore(index, new ErrorArgument(value.UtcTicks, null));

    /// <summary>Sets a placeholder by name; false when the entry declares no such placeholder.</summary>
    public bool TrySet(string name, long value) => TrySetCore(name, new ErrorArgument(value, null));

    /// <summary>Sets a <c>string</c> placeholder by name.</summary>
    public bool TrySet(string name, string? value) => TrySetCore(name, new ErrorArgument(0, value ?? string.Empty));

    /// <summary>Sets a <c>seconds</c> placeholder by name.</summary>
    public bool TrySet(string name, TimeSpan value) => TrySetCore(name, new ErrorArgument(ToWholeSeconds(value), null));

    /// <summary>Sets a <c>timestamp</c> or <c>unixtime</c> placeholder by name.</summary>
    public bool TrySet(string name, DateTimeOffset value) => TrySetCore(name, new ErrorArgument(value.UtcTicks, null));

    /// <summary>Whole seconds, rounded up: a client that waits this long is not refused for being early.</summary>
    internal static long ToWholeSeconds(TimeSpan value) =>
        value <= TimeSpan.Zero ? 0 : (value.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    private bool TrySetCore(string name, ErrorArgument argument)
    {
        var index = Descriptor.IndexOf(name);
        if (index < 0)
        {
            return false;
        }

        SetCore(index, argument);
        return true;
    }

    private void SetCore(int index, ErrorArgument argument)
    {
        if ((uint)index >= (uint)Descriptor.Placeholders.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Descriptor.Code}' has {Descriptor.Placeholders.Length} placeholders.");
        }

        _arguments[index] = argument;
        _set |= (byte)(1 << index);
    }
}
