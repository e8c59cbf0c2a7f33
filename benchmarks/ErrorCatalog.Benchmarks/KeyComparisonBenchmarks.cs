using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ErrorCatalog.Middleware;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// The presented-key cache's comparison of the key a request carried with a cached one (equal, as on every
/// admitted request), in constant time. Baseline: the framework's <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// which is compiled without optimization on purpose.
/// </summary>
[MemoryDiagnoser]
public class KeyComparisonBenchmarks
{
    private readonly string _cached = Apps.ProKey;
    private readonly string _presented = new(Apps.ProKey.AsSpan()); // another string with the same characters

    [Benchmark(Baseline = true, Description = "CryptographicOperations.FixedTimeEquals, 18-character key")]
    public bool Framework() =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(_presented.AsSpan()), MemoryMarshal.AsBytes(_cached.AsSpan()));

    [Benchmark(Description = "PresentedKeyCache.FixedTimeEquals, 18-character key")]
    public bool Catalog() =>
        PresentedKeyCache.FixedTimeEquals(MemoryMarshal.AsBytes(_presented.AsSpan()), MemoryMarshal.AsBytes(_cached.AsSpan()));
}
