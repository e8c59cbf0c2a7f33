using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// A small errors.yaml cannot exhaust the compiler: nesting and aliases are refused at their line, and a failure of the
/// generator itself is an error, not the compiler's warning CS8785.
/// </summary>
public sealed class ResourceBoundsTests
{
    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void DeepNesting_ReportsUnsupportedYamlAtTheLine(string open, string close)
    {
        // Arrange: deep enough to overflow a recursive loader
        var depth = 80_000 / (open.Length + close.Length);
        var yaml = $"""
            errors:
              - code: A
                status: 400
                title: {string.Concat(Enumerable.Repeat(open, depth))}x{string.Concat(Enumerable.Repeat(close, depth))}
            """;

        // Act: on a 1 MB stack, less than the compiler's threads have
        Diagnostic? diagnostic = null;
        var thread = new Thread(() => diagnostic = DiagnosticAssert.Single(yaml), maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();

        // Assert
        Assert.NotNull(diagnostic);
        DiagnosticAssert.At(diagnostic, "EC0024", DiagnosticSeverity.Error, line: 4);
        Assert.Contains("nesting deeper than 64 levels", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AliasBomb_ReportsTheFirstAliasAtItsLine()
    {
        // Arrange: each level triples the one before; expanded, this would be 3^20 objects
        var levels = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"      a{i}: &a{i} {{p: *a{i - 1}, q: *a{i - 1}, r: *a{i - 1}}}"));
        var yaml = $$"""
            shapes:
              bomb:
                body:
                  a0: &a0 {x: "{$code}"}
            {{levels}}
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0024", DiagnosticSeverity.Error, line: 5, column: 19);
        Assert.Contains("'*a0'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedAlias_ReportsAtTheAlias()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: *nope
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0024", DiagnosticSeverity.Error, line: 4, column: 12);
    }

    [Theory]
    [InlineData("    <<: {status: 400}", 5, 5)]
    [InlineData("---\nerrors: []", 5, 1)]
    public void MergeKeyOrSecondDocument_ReportsUnsupportedYamlAtIt(string text, int line, int column)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: A
                status: 400
                title: T
            {text}
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0024", DiagnosticSeverity.Error, line, column);
    }

    [Fact]
    public void ManyArgs_ReportTheLimitOnce()
    {
        // Arrange
        var args = string.Join("\n", Enumerable.Range(0, 40_000).Select(i => $"      a{i}: int"));
        var yaml = $"""
            errors:
              - code: A
                status: 400
                title: T
                args:
            {args}
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert: one error, not one unused-placeholder warning per arg
        DiagnosticAssert.At(diagnostic, "EC0016", DiagnosticSeverity.Error, line: 2, column: 11);
    }

    [Fact]
    public void FileThatCannotBeRead_ReportsGeneratorFailedAsAnError()
    {
        // Arrange
        var driver = GeneratorHarness.CreateDriver(new UnreadableAdditionalText(GeneratorHarness.CatalogPath, new OutOfMemoryException("Insufficient memory")));

        // Act
        var run = GeneratorHarness.Run(driver, GeneratorHarness.CreateCompilation());

        // Assert: EC0099 as an error, and no CS8785 warning that lets the build go on without the class
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.At(diagnostic, "EC0099", DiagnosticSeverity.Error, line: 1, column: 1);
        Assert.Contains("OutOfMemoryException", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
