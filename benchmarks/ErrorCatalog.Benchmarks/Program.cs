using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/ErrorCatalog.Benchmarks -- --filter '*'</c>: the BenchmarkDotNet
/// suite (see <see cref="BenchConfig"/>). Two quicker modes, no timing:
/// <c>-- alloc</c> prints bytes per operation of every benchmark (deterministic, on this thread), and
/// <c>-- memory</c> measures the in-memory limiter's bytes per tracked key with 1,000,000 keys and their reclaim, and
/// <c>-- parse</c> times the errors.yaml generator over growing catalogs (see <see cref="CatalogParseTiming"/>), and
/// <c>-- loop names seconds</c> runs benchmarks interleaved for A/B checks and profiling (see <see cref="LoopMode"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "alloc")
        {
            return AllocationProbe.Run(args.Length > 1 ? args[1] : null);
        }

        if (args.Length > 0 && args[0] == "memory")
        {
            return MemoryPerKey.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
        }

        if (args.Length > 0 && args[0] == "parse")
        {
            return CatalogParseTiming.Run();
        }

        if (args.Length > 0 && args[0] == "loop")
        {
            return LoopMode.Run(args.Length > 1 ? args[1] : "builtin,accept", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new BenchConfig());
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
