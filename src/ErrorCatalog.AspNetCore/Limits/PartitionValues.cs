namespace ErrorCatalog.Middleware;

/// <summary>A partition's values: inline ones, then the overflow.</summary>
internal readonly ref struct PartitionValues(Span<long> inline, long[]? overflow)
{
    private readonly Span<long> _inline = inline;

    public ref long this[int offset] => ref offset < _inline.Length ? ref _inline[offset] : ref overflow![offset - _inline.Length];
}
