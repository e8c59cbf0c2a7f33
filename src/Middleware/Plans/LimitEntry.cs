namespace ErrorCatalog.Middleware;

/// <summary>A limit bound to its counter's owner: the key's id, the subscription's id or the client IP.</summary>
internal readonly record struct LimitEntry(LimitDefinition Limit, object Partition, string PartitionName);
