using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about the file as a whole and its top-level keys: EC0001, EC0002, EC0014, EC0015.</summary>
public sealed class FileDiagnosticsTests
{
    /// <summary>A file with one error or warning: the case, the file, and the diagnostic (column 0: not checked).</summary>
    public static readonly TheoryData<string, string, string, DiagnosticSeverity, int, int, string[]> SingleDiagnostics = new()
    {
        {
            "unterminated quote: malformed YAML at the scalar",
            """
            errors:
              - code: A
                status: 400
                title: "never closed
            """,
            "EC0001", DiagnosticSeverity.Error, 4, 12, []
        },
        {
            "bad indentation: malformed YAML at the line",
            """
            errors:
              - code: A
                status: 400
               title: T
            """,
            "EC0001", DiagnosticSeverity.Error, 4, 0, []
        },
        {
            "duplicate mapping key: malformed YAML at the second key",
            """
            errors:
              - code: A
                status: 400
                title: T
                status: 401
            """,
            "EC0001", DiagnosticSeverity.Error, 5, 5, []
        },
        {
            "root is a list: malformed YAML at the root",
            """
            - code: A
              status: 400
            """,
            "EC0001", DiagnosticSeverity.Error, 1, 1, []
        },
        {
            "file without errors: missing errors list",
            """
            namespace: Acme
            className: Problems
            """,
            "EC0002", DiagnosticSeverity.Error, 1, 1, ["'errors'"]
        },
        {
            "unknown root key: unknown key warning",
            """
            namespace: Acme
            version: 2
            errors:
              - code: A
                status: 400
                title: T
            """,
            "EC0014", DiagnosticSeverity.Warning, 2, 1, []
        },
        {
            "namespace not an identifier: invalid value at the namespace",
            """
            namespace: Acme.2nd
            errors:
              - code: A
                status: 400
                title: T
            """,
            "EC0015", DiagnosticSeverity.Error, 1, 12, []
        },
        {
            "className with a dot: invalid value at the className",
            """
            className: Acme.Errors
            errors:
              - code: A
                status: 400
                title: T
            """,
            "EC0015", DiagnosticSeverity.Error, 1, 12, []
        },
    };

    [Theory]
    [MemberData(nameof(SingleDiagnostics))]
    public void File_ReportsItsOneDiagnosticAtItsPlace(string @case, string yaml, string id, DiagnosticSeverity severity, int line, int column, string[] quoted)
    {
        _ = @case; // names the row in the test's display name
        DiagnosticAssert.SingleAt(yaml, id, severity, line, column, quoted);
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
