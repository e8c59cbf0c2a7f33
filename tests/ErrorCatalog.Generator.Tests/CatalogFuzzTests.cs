using System.Text;
using ErrorCatalog.Generator.Tests.Fuzz;
using Xunit.Abstractions;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// A seeded corpus of mutated root errors.yaml files through the generator and the compiler: each either compiles
/// or gets an EC error within the mutated lines' entries. Nothing crashes, nothing is accepted that must not be.
/// </summary>
public sealed class CatalogFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 14;
    private const int Variants = 360;

    [Fact]
    public void MutatedCatalogs_CompileOrGetALocatedError()
    {
        // Arrange
        var corpus = MutationCorpus.Build(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "errors.yaml")), Seed, Variants);
        var skipHazards = Environment.GetEnvironmentVariable("EC_FUZZ_SKIP_HAZARDS") == "1";

        // Act: on a 1 MB stack, less than the compiler's threads have, so unbounded recursion shows here first.
        var results = new List<(CatalogVariant Variant, VariantOutcome Outcome, string Detail)>();
        var thread = new Thread(
            () =>
            {
                foreach (var variant in corpus)
                {
                    results.Add(skipHazards && variant.Hazard
                        ? (variant, VariantOutcome.Crash, "not run (hazard)")
                        : Run(variant));
                }
            },
            maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();

        // Assert
        var summary = new StringBuilder($"{corpus.Count} variants:");
        foreach (var group in results.GroupBy(r => r.Outcome).OrderBy(g => g.Key))
        {
            summary.Append(' ').Append(group.Key).Append('=').Append(group.Count());
        }

        output.WriteLine(summary.ToString());
        foreach (var (variant, outcome, detail) in results)
        {
            output.WriteLine($"{outcome}: {variant} region {variant.RegionStart}-{variant.RegionEnd}: {detail}");
        }

        var bad = results.Where(r => r.Outcome is not (VariantOutcome.Compiles or VariantOutcome.ClearError)).ToList();

        Assert.True(corpus.Count >= 300);
        Assert.True(bad.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, bad.Take(20).Select(b => $"{b.Outcome}: {b.Variant}: {b.Detail}")));
    }

    private static (CatalogVariant, VariantOutcome, string) Run(CatalogVariant variant)
    {
        var (outcome, detail) = VariantRunner.Run(variant);
        return (variant, outcome, detail);
    }
}
