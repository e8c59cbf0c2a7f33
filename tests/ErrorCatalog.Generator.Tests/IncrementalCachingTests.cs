using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ErrorCatalog.Generator.Tests;

/// <summary>The pipeline caches: editing C# reruns nothing, editing errors.yaml reruns the parse.</summary>
public sealed class IncrementalCachingTests
{
    private static readonly string[] TrackedSteps =
    [
        ErrorCatalogGenerator.Steps.ReadCatalog,
        ErrorCatalogGenerator.Steps.RootNamespace,
        ErrorCatalogGenerator.Steps.ParseCatalog,
    ];

    private const string Catalog = """
        errors:
          - code: RATE_LIMITED
            status: 429
            title: Rate limited
            detail: "You used {used:long} of {limit:long}."
            args:
              retryAfter: seconds
            headers:
              Retry-After: "{retryAfter}"
        """;

    [Fact]
    public void UnrelatedSyntaxTreeAdded_EveryTrackedStepIsCachedOrUnchanged()
    {
        // Arrange
        var first = GeneratorHarness.Run(Catalog);
        var edited = first.InputCompilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Consumer; internal static class Unrelated { }", GeneratorHarness.ParseOptions));

        // Act
        var second = GeneratorHarness.Run(first.Driver, edited);

        // Assert
        foreach (var name in TrackedSteps)
        {
            Assert.True(second.Result.TrackedSteps.TryGetValue(name, out var steps), $"{name} is not tracked");
            Assert.All(
                steps.SelectMany(step => step.Outputs),
                output => Assert.True(
                    output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"{name} was {output.Reason}"));
        }

        Assert.All(second.Result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs), output =>
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void TrackedSteps_HoldNoCompilerObjects()
    {
        // Act
        var run = GeneratorHarness.Run(Catalog);

        // Assert
        foreach (var name in TrackedSteps)
        {
            var steps = run.Result.TrackedSteps[name];
            Assert.NotEmpty(steps);
            foreach (var output in steps.SelectMany(step => step.Outputs))
            {
                ObjectGraph.AssertHoldsNoCompilerObjects(output.Value, name);
            }
        }
    }

    [Fact]
    public void ObjectGraph_FindsALocationInsideAValue()
    {
        // Arrange
        var holder = new[] { (object)("text", Location.None) };

        // Act
        var exception = Record.Exception(() => ObjectGraph.AssertHoldsNoCompilerObjects(holder, "test"));

        // Assert
        Assert.NotNull(exception);
    }

    [Fact]
    public void CatalogTextEdited_ParseStepIsModified()
    {
        // Arrange
        var oldText = new InMemoryAdditionalText(GeneratorHarness.CatalogPath, Catalog);
        var newText = new InMemoryAdditionalText(GeneratorHarness.CatalogPath, Catalog.Replace("Rate limited", "Slow down", StringComparison.Ordinal));
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(oldText), GeneratorHarness.CreateCompilation());

        // Act
        var second = GeneratorHarness.Run(first.Driver.ReplaceAdditionalText(oldText, newText), first.InputCompilation);

        // Assert
        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, ErrorCatalogGenerator.Steps.ReadCatalog));
        Assert.Equal(IncrementalStepRunReason.Cached, SingleReason(second, ErrorCatalogGenerator.Steps.RootNamespace));
        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, ErrorCatalogGenerator.Steps.ParseCatalog));
        Assert.Contains("Slow down", second.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogCommentAdded_ParseStepIsUnchangedAndOutputCached()
    {
        // Arrange
        var oldText = new InMemoryAdditionalText(GeneratorHarness.CatalogPath, Catalog);
        var newText = new InMemoryAdditionalText(GeneratorHarness.CatalogPath, "# a comment changes no model\n" + Catalog);
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(oldText), GeneratorHarness.CreateCompilation());

        // Act
        var second = GeneratorHarness.Run(first.Driver.ReplaceAdditionalText(oldText, newText), first.InputCompilation);

        // Assert
        Assert.Equal(IncrementalStepRunReason.Modified, SingleReason(second, ErrorCatalogGenerator.Steps.ReadCatalog));
        Assert.Equal(IncrementalStepRunReason.Unchanged, SingleReason(second, ErrorCatalogGenerator.Steps.ParseCatalog));
        Assert.All(second.Result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(step => step.Outputs), output =>
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static IncrementalStepRunReason SingleReason(GeneratorRun run, string step) =>
        Assert.Single(run.Result.TrackedSteps[step].SelectMany(s => s.Outputs)).Reason;
}
