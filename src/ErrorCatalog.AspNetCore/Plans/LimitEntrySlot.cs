namespace ErrorCatalog.Middleware;

/// <summary>A counter store's per-entry cache (see <see cref="LimitEntry.Slot"/>); written and read whole, atomically.</summary>
internal sealed class LimitEntrySlot
{
    public object? Value;
}
