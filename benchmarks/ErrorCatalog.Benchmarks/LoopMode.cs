using System.Diagnostics;
using System.Globalization;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// <c>-- loop builtin,accept,minute 20</c>: runs the named benchmarks in interleaved slices of 20,000 operations for
/// that many seconds and prints each one's median and fastest ns/op, and its median ratio to the first named (slice by
/// slice, so a busy neighbour slows both sides alike). No statistics beyond that: it is for A/B checks of a change on
/// a noisy machine, and a long steady loop to profile (<c>perf record</c>); BenchmarkDotNet gives the reported figures.
/// Each benchmark must keep answering the status of its first call.
/// </summary>
internal static class LoopMode
{
    private const int Slice = 20_000;

    public static int Run(string names, int seconds)
    {
        var accept = new AcceptPathBenchmarks();
        accept.Setup();
        var refusal = new RefusalPathBenchmarks();
        refusal.Setup();
        var known = new Dictionary<string, Func<int>>
        {
            ["plain"] = accept.Plain,
            ["builtin"] = accept.BuiltIn,
            ["accept"] = accept.Catalog,
            ["bare429"] = refusal.Bare429,
            ["builtin-refusal"] = refusal.BuiltIn,
            ["invalid"] = refusal.KeyInvalid,
            ["plan"] = refusal.PlanNotAuthorized,
            ["minute"] = refusal.MinuteLimit,
            ["month"] = refusal.MonthlyQuota,
            ["concurrency"] = refusal.Concurrency,
        };
        var chosen = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = chosen.Length == 0 ? names : chosen.FirstOrDefault(n => !known.ContainsKey(n));
        if (unknown is not null)
        {
            Console.Error.WriteLine($"loop: unknown benchmark '{unknown}'; name one or more of {string.Join(", ", known.Keys)}, comma-separated");
            return 2;
        }

        if (seconds <= 0)
        {
            Console.Error.WriteLine($"loop: seconds must be positive (was {seconds})");
            return 2;
        }

        // Each benchmark's status from its first call: a path that starts answering otherwise (a limit used up)
        // would be timed doing something else.
        var expected = chosen.Select(n => known[n]()).ToArray();
        var samples = chosen.Select(_ => new List<double>()).ToArray();
        var until = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (var k = 0; k < chosen.Length; k++)
            {
                var operation = known[chosen[k]];
                var start = Stopwatch.GetTimestamp();
                var status = 0;
                for (var i = 0; i < Slice; i++)
                {
                    status |= operation() ^ expected[k];
                }

                if (status != 0)
                {
                    Console.Error.WriteLine($"loop: {chosen[k]} stopped answering {expected[k]}");
                    return 1;
                }

                samples[k].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / Slice);
            }
        }

        for (var k = 0; k < chosen.Length; k++)
        {
            var ratios = samples[k].Zip(samples[0], (a, b) => a / b).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{chosen[k],-16} median {Median(samples[k]),8:F1} ns  fastest {samples[k].Min(),8:F1} ns  ratio to {chosen[0]} {Median(ratios):F3}"));
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
