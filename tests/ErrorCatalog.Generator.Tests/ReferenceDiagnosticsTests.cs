using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about names an entry refers to: EC0009, EC0010, EC0012, EC0013, EC0018, EC0023.</summary>
public sealed class ReferenceDiagnosticsTests
{
    /// <summary>A file with one error: the case, the file, and the diagnostic.</summary>
    public static readonly TheoryData<string, string, string, int, int, string[]> SingleErrors = new()
    {
        {
            "EntryShapeNotDeclared_ReportsUnknownShapeAtTheShape",
            """
            errors:
              - code: A
                status: 400
                title: T
                shape: fancy
            """,
            "EC0009", 5, 12, ["'fancy'"]
        },
        {
            "DefaultShapeNotDeclared_ReportsUnknownShapeAtTheDefault",
            """
            defaultShape: fancy
            errors:
              - code: A
                status: 400
                title: T
            """,
            "EC0009", 1, 15, []
        },
        {
            "EntryTypeRelative_ReportsBadTypeUriAtTheType",
            """
            errors:
              - code: A
                status: 400
                title: T
                type: errors/a
            """,
            "EC0010", 5, 11, []
        },
        {
            "TypeBaseRelative_ReportsBadTypeUriAtTheTypeBase",
            """
            typeBase: errors/
            errors:
              - code: A
                status: 400
                title: T
            """,
            "EC0010", 1, 11, []
        },
        {
            "RefusalAnsweredTwice_ReportsDuplicateRefusalAtTheSecondRefusal",
            """
            errors:
              - code: A
                status: 401
                title: T
                refusal: KeyInvalid
              - code: B
                status: 401
                title: U
                refusal: KeyInvalid
            """,
            "EC0012", 9, 14, ["'A'"]
        },
        {
            "RefusalNotKnown_ReportsUnknownRefusalAtTheRefusal",
            """
            errors:
              - code: A
                status: 401
                title: T
                refusal: KeyLost
            """,
            "EC0013", 5, 14, ["MinuteLimit"]
        },
        {
            "HeaderNameWithSpace_ReportsInvalidHeaderNameAtTheName",
            """
            errors:
              - code: A
                status: 400
                title: T
                headers:
                  "Retry After": "1"
            """,
            "EC0018", 6, 7, []
        },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void File_ReportsItsOneErrorAtItsPlace(string @case, string yaml, string id, int line, int column, string[] quoted)
    {
        _ = @case; // names the row in the test's display name
        DiagnosticAssert.SingleAt(yaml, id, DiagnosticSeverity.Error, line, column, quoted);
    }

    [Fact]
    public void ShapeFieldNoEntryDeclares_ReportsShapePlaceholderNeverDeclaredWarningAtTheShape()
    {
        // Arrange
        const string yaml = """
            shapes:
              flat:
                body:
                  error: "{$code}"
                  tier_limit: "{tierLimit}"
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.At(diagnostic, "EC0023", DiagnosticSeverity.Warning, line: 2, column: 3);
        Assert.Contains("'tierLimit'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Single(run.Result.GeneratedSources);
    }
}
