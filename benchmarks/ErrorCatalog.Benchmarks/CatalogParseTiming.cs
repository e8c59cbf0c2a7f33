using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ErrorCatalog.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// <c>-- parse</c>: the errors.yaml generator (parse and emit, as the compiler runs it) over catalogs of growing size,
/// best of three runs each (the args catalogs are rejected, EC0016, as the issue's were), so a cost that grows faster than the file shows as a rising ms/KB column. Not a
/// BenchmarkDotNet class: the alloc mode would run it 25,000 times.
/// </summary>
internal static class CatalogParseTiming
{
    public static int Run()
    {
        Console.WriteLine($"{"catalog",-34} {"KB",8} {"ms",8} {"ms/KB",8}");
        Measure("warm-up", Entries(500));
        foreach (var count in new[] { 10_000, 20_000, 40_000 })
        {
            Measure($"one entry, {count} args", Args(count));
        }

        foreach (var count in new[] { 2_000, 4_000, 8_000, 16_000 })
        {
            Measure($"{count} entries", Entries(count));
        }

        return 0;
    }

    private static string Args(int count)
    {
        var sb = new StringBuilder("errors:\n  - code: A\n    status: 400\n    title: T\n    detail: \"{a0}\"\n    args:\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      a{i}: int\n");
        }

        return sb.ToString();
    }

    private static string Entries(int count)
    {
        var sb = new StringBuilder("errors:\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - code: E{i}\n    status: 429\n    title: Title {i}\n    detail: \"Used {{used:long}} of {{limit:long}}\"\n")
                .Append("    args:\n      retryAfter: seconds\n    headers:\n      Retry-After: \"{retryAfter}\"\n");
        }

        return sb.ToString();
    }

    private static void Measure(string name, string yaml)
    {
        var best = double.MaxValue;
        var compilation = CSharpCompilation.Create("Timing");
        for (var run = 0; run < 3; run++)
        {
            var driver = CSharpGeneratorDriver.Create(
                [new ErrorCatalogGenerator().AsSourceGenerator()],
                [new CatalogText(yaml)],
                new CSharpParseOptions(LanguageVersion.Latest));
            var stopwatch = Stopwatch.StartNew();
            var result = driver.RunGenerators(compilation).GetRunResult();
            best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
            if (result.Diagnostics.Any(d => d.Id is "EC0099" or "CS8785") || result.Results[0].Exception is not null)
            {
                throw new InvalidOperationException($"{name}: {result.Diagnostics.FirstOrDefault()}");
            }
        }

        var kb = yaml.Length / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {kb,8:F0} {best,8:F0} {best / kb,8:F2}"));
    }

    private sealed class CatalogText(string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path => "/timing/errors.yaml";

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
