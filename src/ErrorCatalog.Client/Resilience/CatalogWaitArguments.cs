namespace ErrorCatalog.Client.Resilience;

/// <summary>What a catalog handler event reports through Polly's telemetry: the attempt, the wait, and the code answered.</summary>
internal readonly record struct CatalogWaitArguments(int Attempt, TimeSpan Wait, string? Code);
