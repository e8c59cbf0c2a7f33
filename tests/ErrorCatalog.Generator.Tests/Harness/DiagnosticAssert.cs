using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>Asserts on a generator diagnostic the way a user sees it: id, severity, errors.yaml(line,column).</summary>
internal static class DiagnosticAssert
{
    /// <summary>Runs the generator over <paramref name="yaml"/> and returns its only diagnostic.</summary>
    public static Diagnostic Single(string yaml)
    {
        var run = GeneratorHarness.Run(yaml);
        return Assert.Single(run.GeneratorDiagnostics);
    }

    /// <summary>
    /// Runs the generator over <paramref name="yaml"/>: its only diagnostic is <paramref name="id"/> at the line (and
    /// column, when not 0), and its message names each of <paramref name="quoted"/>.
    /// </summary>
    public static void SingleAt(string yaml, string id, DiagnosticSeverity severity, int line, int column, string[] quoted)
    {
        var diagnostic = Single(yaml);
        At(diagnostic, id, severity, line, column == 0 ? null : column);
        Assert.All(quoted, name => Assert.Contains(name, diagnostic.GetMessage(), StringComparison.Ordinal));
    }

    /// <summary>Checks id, severity and the 1-based line (and column, when given) in errors.yaml.</summary>
    public static void At(Diagnostic diagnostic, string id, DiagnosticSeverity severity, int line, int? column = null)
    {
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(GeneratorHarness.CatalogPath, span.Path);
        Assert.Equal(line, span.StartLinePosition.Line + 1);
        if (column is { } expected)
        {
            Assert.Equal(expected, span.StartLinePosition.Character + 1);
        }
    }
}
