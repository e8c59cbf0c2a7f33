using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about the file as a whole and its top-level keys: EC0001, EC0002, EC0014, EC0015.</summary>
public sealed class FileDiagnosticsTests
{
    [Fact]
    public void UnterminatedQuote_ReportsMalformedYamlAtTheScalar()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: "never closed
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 4, column: 12);
    }

    [Fact]
    public void BadIndentation_ReportsMalformedYamlAtTheLine()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
               title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 4);
    }

    [Fact]
    public void DuplicateMappingKey_ReportsMalformedYamlAtTheSecondKey()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                status: 401
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 5, column: 5);
    }

    [Fact]
    public void RootIsAList_ReportsMalformedYamlAtTheRoot()
    {
        // Arrange
        const string yaml = """
            - code: A
              status: 400
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 1, column: 1);
    }

    [Fact]
    public void FileWithoutErrors_ReportsMissingErrorsList()
    {
        // Arrange
        const string yaml = """
            namespace: Acme
            className: Problems
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0002", DiagnosticSeverity.Error, line: 1, column: 1);
        Assert.Contains("'errors'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRootKey_ReportsUnknownKeyWarning()
    {
        // Arrange
        const string yaml = """
            namespace: Acme
            version: 2
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0014", DiagnosticSeverity.Warning, line: 2, column: 1);
    }

    [Fact]
    public void NamespaceNotAnIdentifier_ReportsInvalidValueAtTheNamespace()
    {
        // Arrange
        const string yaml = """
            namespace: Acme.2nd
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0015", DiagnosticSeverity.Error, line: 1, column: 12);
    }

    [Fact]
    public void ClassNameWithDot_ReportsInvalidValueAtTheClassName()
    {
        // Arrange
        const string yaml = """
            className: Acme.Errors
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0015", DiagnosticSeverity.Error, line: 1, column: 12);
    }

    [Theory]
    [InlineData("detail: [unclosed", "'[' is never closed with ']'")]
    [InlineData("detail: {unclosed", "'{' is never closed with '}'")]
    [InlineData("detail: [a, [b, c]", "'[' is never closed with ']'")]
    public void UnclosedFlowCollectionMidFile_ReportsMalformedYamlAtTheBracket(string detail, string message)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: A
                status: 400
                title: T
                {detail}
                resolution: R
              - code: B
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 5, column: 13);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\ttitle: T", 1)]
    [InlineData("  \ttitle: T", 3)]
    public void TabIndentation_ReportsMalformedYamlAtTheTab(string line, int column)
    {
        // Arrange
        var yaml = "errors:\n  - code: A\n    status: 400\n" + line + "\n  - code: B\n    status: 400\n    title: T\n";

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0001", DiagnosticSeverity.Error, line: 4, column: column);
        Assert.Contains("tab", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
