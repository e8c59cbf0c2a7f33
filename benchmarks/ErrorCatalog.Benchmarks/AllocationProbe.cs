using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// <c>-- alloc [class filter]</c>: every benchmark's bytes per operation, counted on this thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) over 20,000 warm calls. No timing, so it is exact and
/// quick on a busy machine; MemoryDiagnoser reports the same figures in the full run.
/// </summary>
internal static class AllocationProbe
{
    private const int Warmup = 5_000;
    private const int Calls = 20_000;

    public static int Run(string? filter)
    {
        var types = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .Where(t => filter is null || t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        Console.WriteLine($"{"benchmark",-76} {"B/op",10}");
        foreach (var type in types)
        {
            var instance = Activator.CreateInstance(type)!;
            Invoke<GlobalSetupAttribute>(type, instance);
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                var call = Bind(method, instance);
                for (var i = 0; i < Warmup; i++)
                {
                    call();
                }

                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < Calls; i++)
                {
                    call();
                }

                var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
                var name = $"{type.Name}.{method.Name}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-76} {bytes,10:F1}"));
            }

            Invoke<GlobalCleanupAttribute>(type, instance);
        }

        return 0;
    }

    /// <summary>A benchmark as a call that allocates nothing of its own (the wrapper is made once, here).</summary>
    private static Func<int> Bind(MethodInfo method, object instance)
    {
        if (method.ReturnType == typeof(int))
        {
            return method.CreateDelegate<Func<int>>(instance);
        }

        if (method.ReturnType == typeof(bool))
        {
            var call = method.CreateDelegate<Func<bool>>(instance);
            return () => call() ? 1 : 0;
        }

        throw new NotSupportedException($"{method.DeclaringType?.Name}.{method.Name}: benchmarks return int or bool here, not {method.ReturnType.Name}.");
    }

    private static void Invoke<TAttribute>(Type type, object instance)
        where TAttribute : Attribute
    {
        foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
