namespace ErrorCatalog.Benchmarks.Tests;

/// <summary>
/// The benchmark tool's quick modes, run as a user runs them: every benchmark class's setup (which checks each
/// request's status) and every benchmark method, so a benchmark that no longer runs fails here rather than in the
/// next performance session. Timings are not asserted; the allocation figures are guarded by the middleware's tests.
/// </summary>
public sealed class BenchmarkModesTests
{
    [Fact]
    public void Alloc_RunsEveryBenchmark() => Assert.Equal(0, Program.Main(["alloc"]));

    [Fact]
    public void Loop_RunsTheNamedBenchmarks_AndRefusesAnUnknownOne()
    {
        Assert.Equal(0, Program.Main(["loop", "builtin,accept,minute,invalid,concurrency", "1"]));
        Assert.Equal(2, Program.Main(["loop", "builtin,nope", "1"]));
        Assert.Equal(2, Program.Main(["loop", "builtin", "0"]));
    }

    [Fact]
    public void Memory_ReclaimsEveryKey() => Assert.Equal(0, Program.Main(["memory", "20000"]));
}
