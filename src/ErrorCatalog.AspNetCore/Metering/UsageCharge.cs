namespace ErrorCatalog.Middleware;

/// <summary>One limit's charge in a <see cref="UsageRecord"/>.</summary>
internal readonly record struct UsageCharge(LimitDefinition Limit, long Units, long OverageUnits);
