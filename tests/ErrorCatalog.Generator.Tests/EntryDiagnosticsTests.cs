using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about an entry's fields: EC0002–EC0005, EC0014, EC0015, EC0017.</summary>
public sealed class EntryDiagnosticsTests
{
    /// <summary>An entry with one error: the case, the file, and the diagnostic.</summary>
    public static readonly TheoryData<string, string, string, int, int, string[]> SingleErrors = new()
    {
        {
            "empty title: missing field at the value",
            """
            errors:
              - code: A
                status: 400
                title: ""
            """,
            "EC0002", 4, 12, []
        },
        {
            "code used twice: duplicate code at the second code",
            """
            errors:
              - code: A
                status: 400
                title: T
              - code: A
                status: 401
                title: U
            """,
            "EC0003", 5, 11, ["line 2"]
        },
        {
            "numeric code used twice: duplicate numeric code at the second number",
            """
            errors:
              - code: A
                numericCode: 7
                status: 400
                title: T
              - code: B
                numericCode: 7
                status: 400
                title: U
            """,
            "EC0004", 7, 18, ["'A'"]
        },
        {
            "status not a number: invalid value at the status",
            """
            errors:
              - code: A
                status: teapot
                title: T
            """,
            "EC0015", 3, 13, []
        },
        {
            "codes with the same member name: name collision at the second code",
            """
            errors:
              - code: RATE_LIMITED
                status: 429
                title: T
              - code: rate-limited
                status: 429
                title: U
            """,
            "EC0017", 5, 11, ["'RateLimited'"]
        },
        {
            "code named like a generated member: name collision",
            """
            errors:
              - code: DESCRIPTORS
                status: 400
                title: T
            """,
            "EC0017", 2, 11, []
        },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Entry_ReportsItsOneErrorAtItsPlace(string @case, string yaml, string id, int line, int column, string[] quoted)
    {
        _ = @case; // names the row in the test's display name
        DiagnosticAssert.SingleAt(yaml, id, DiagnosticSeverity.Error, line, column, quoted);
    }

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

    [Fact]
    public void TypeBaseFromTheSiteRoot_TypesEntriesUnderTheDocsRoute()
    {
        // Arrange: the route of MapErrorCatalogDocs, so a body's type opens on the server that wrote it
        const string yaml = """
            typeBase: /errors
            errors:
              - code: QUOTA_USED
                status: 429
                title: T
              - code: B
                status: 400
                title: U
                docs: bad-input
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("\"/errors/quota-used\"", run.GeneratedSource);
        Assert.Contains("\"/errors/bad-input\"", run.GeneratedSource);
    }
}
