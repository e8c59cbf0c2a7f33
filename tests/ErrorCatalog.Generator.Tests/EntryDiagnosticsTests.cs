using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about an entry's fields: EC0002–EC0005, EC0014, EC0015, EC0017.</summary>
public sealed class EntryDiagnosticsTests
{
    [Theory]
    [InlineData("code")]
    [InlineData("status")]
    [InlineData("title")]
    public void EntryWithoutRequiredField_ReportsMissingFieldAtTheEntry(string field)
    {
        // Arrange
        var lines = new[] { "code: A", "status: 400", "title: T" }.Where(line => !line.StartsWith(field + ":", StringComparison.Ordinal));
        var yaml = "errors:\n  - " + string.Join("\n    ", lines) + "\n";

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0002", DiagnosticSeverity.Error, line: 2, column: 5);
        Assert.Contains($"'{field}'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyTitle_ReportsMissingFieldAtTheValue()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: ""
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0002", DiagnosticSeverity.Error, line: 4, column: 12);
    }

    [Fact]
    public void CodeUsedTwice_ReportsDuplicateCodeAtTheSecondCode()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
              - code: A
                status: 401
                title: U
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0003", DiagnosticSeverity.Error, line: 5, column: 11);
        Assert.Contains("line 2", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void NumericCodeUsedTwice_ReportsDuplicateNumericCodeAtTheSecondNumber()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                numericCode: 7
                status: 400
                title: T
              - code: B
                numericCode: 7
                status: 400
                title: U
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0004", DiagnosticSeverity.Error, line: 7, column: 18);
        Assert.Contains("'A'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("302")]
    [InlineData("200")]
    [InlineData("600")]
    public void StatusOutsideErrorRange_ReportsStatusOutOfRangeAtTheStatus(string status)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: A
                status: {status}
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0005", DiagnosticSeverity.Error, line: 3, column: 13);
    }

    [Fact]
    public void UnknownEntryKey_ReportsUnknownKeyWarningAndStillGenerates()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                colour: red
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.At(diagnostic, "EC0014", DiagnosticSeverity.Warning, line: 5, column: 5);
        Assert.Single(run.Result.GeneratedSources);
    }

    [Fact]
    public void StatusNotANumber_ReportsInvalidValueAtTheStatus()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: teapot
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0015", DiagnosticSeverity.Error, line: 3, column: 13);
    }

    [Fact]
    public void CodesWithTheSameMemberName_ReportNameCollisionAtTheSecondCode()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: RATE_LIMITED
                status: 429
                title: T
              - code: rate-limited
                status: 429
                title: U
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0017", DiagnosticSeverity.Error, line: 5, column: 11);
        Assert.Contains("'RateLimited'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void CodeNamedLikeAGeneratedMember_ReportsNameCollision()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: DESCRIPTORS
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0017", DiagnosticSeverity.Error, line: 2, column: 11);
    }

    [Fact]
    public void CodeNamedLikeTheClass_ReportsNameCollision()
    {
        // Arrange
        const string yaml = """
            className: BillingErrors
            errors:
              - code: BILLING_ERRORS
                status: 400
                title: T
            """;

        // Act
        var diagnostics = GeneratorHarness.Run(yaml).GeneratorDiagnostics.OrderBy(d => d.Id).ToList();

        // Assert: at the code, and at the className that names the class
        Assert.Equal(2, diagnostics.Count);
        DiagnosticAssert.At(diagnostics[0], "EC0017", DiagnosticSeverity.Error, line: 3, column: 11);
        DiagnosticAssert.At(diagnostics[1], "EC0025", DiagnosticSeverity.Error, line: 1, column: 12);
    }

    [Fact]
    public void CodeNamedApiErrorsInRenamedClass_Compiles()
    {
        // Arrange
        const string yaml = """
            className: Problems
            errors:
              - code: API_ERRORS
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }
}
