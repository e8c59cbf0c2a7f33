namespace ErrorCatalog.Middleware;

/// <summary>A limit bound to its counter's owner: the key's id, the subscription's id or the client IP.</summary>
/// <param name="Limit">The limit.</param>
/// <param name="Partition">The counter's owner: a key's id, a subscription's id or an IP address.</param>
/// <param name="PartitionName">The owner as text, for counter names (empty for an IP: its own text).</param>
/// <param name="Slot">Where a counter store may keep what it derives from this entry (the Redis store: its key
/// names), so a request need not look it up; entries built per request (the IP limit's) have none.</param>
/// <param name="Group">What the counter is decided together with: a key's limits and its subscription's share the
/// subscription (one Redis Cluster slot); null for an owner alone (an IP).</param>
internal readonly record struct LimitEntry(LimitDefinition Limit, object Partition, string PartitionName, LimitEntrySlot? Slot = null, string? Group = null);
