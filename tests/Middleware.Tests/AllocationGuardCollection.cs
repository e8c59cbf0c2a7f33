namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The allocation guards run alone, after the other tests: the hot path shares process-wide caches (HeaderValues'
/// recent values, CountText's tables) with every test in the process, and a guard must count only its own requests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationGuardCollection
{
    public const string Name = "Allocation guards";
}
