namespace ErrorCatalog.Middleware;

/// <summary>
/// Which counter is at which offset of a partition's values: (counter name, width) in the order first used.
/// Immutable and shared: every partition that met the same limits in the same order has the same instance, so a
/// million keys of one plan share a handful of layouts.
/// </summary>
internal sealed class CounterLayout
{
    public static readonly CounterLayout Empty = new([], [], 0);

    private readonly string[] _names;
    private readonly int[] _widths;
    private CounterLayout[] _next = [];

    private CounterLayout(string[] names, int[] widths, int size)
    {
        _names = names;
        _widths = widths;
        Size = size;
    }

    /// <summary>Counters laid out.</summary>
    public int Count => _names.Length;

    /// <summary>Values used.</summary>
    public int Size { get; }

    /// <summary>The offset of the counter's first value, or -1.</summary>
    public int Find(string name, int width)
    {
        var offset = 0;
        for (var i = 0; i < _names.Length; i++)
        {
            if (_widths[i] == width && (ReferenceEquals(_names[i], name) || string.Equals(_names[i], name, StringComparison.Ordinal)))
            {
                return offset;
            }

            offset += _widths[i];
        }

        return -1;
    }

    /// <summary>This layout and one more counter after it (shared: built once per distinct step).</summary>
    public CounterLayout With(string name, int width)
    {
        foreach (var next in Volatile.Read(ref _next))
        {
            if (next._widths[^1] == width && string.Equals(next._names[^1], name, StringComparison.Ordinal))
            {
                return next;
            }
        }

        lock (this)
        {
            foreach (var next in _next)
            {
                if (next._widths[^1] == width && string.Equals(next._names[^1], name, StringComparison.Ordinal))
                {
                    return next;
                }
            }

            var created = new CounterLayout([.. _names, name], [.. _widths, width], Size + width);
            Volatile.Write(ref _next, [.. _next, created]);
            return created;
        }
    }
}
