using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about names an entry refers to: EC0009, EC0010, EC0012, EC0013, EC0018, EC0023.</summary>
public sealed class ReferenceDiagnosticsTests
{
    [Fact]
    public void EntryShapeNotDeclared_ReportsUnknownShapeAtTheShape()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                shape: fancy
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0009", DiagnosticSeverity.Error, line: 5, column: 12);
        Assert.Contains("'fancy'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultShapeNotDeclared_ReportsUnknownShapeAtTheDefault()
    {
        // Arrange
        const string yaml = """
            defaultShape: fancy
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0009", DiagnosticSeverity.Error, line: 1, column: 15);
    }

    [Fact]
    public void EntryTypeRelative_ReportsBadTypeUriAtTheType()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                type: /errors/a
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0010", DiagnosticSeverity.Error, line: 5, column: 11);
    }

    [Fact]
    public void TypeBaseRelative_ReportsBadTypeUriAtTheTypeBase()
    {
        // Arrange
        const string yaml = """
            typeBase: errors/
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0010", DiagnosticSeverity.Error, line: 1, column: 11);
    }

    [Fact]
    public void RefusalAnsweredTwice_ReportsDuplicateRefusalAtTheSecondRefusal()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 401
                title: T
                refusal: KeyInvalid
              - code: B
                status: 401
                title: U
                refusal: KeyInvalid
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0012", DiagnosticSeverity.Error, line: 9, column: 14);
        Assert.Contains("'A'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusalNotKnown_ReportsUnknownRefusalAtTheRefusal()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 401
                title: T
                refusal: KeyLost
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0013", DiagnosticSeverity.Error, line: 5, column: 14);
        Assert.Contains("MinuteLimit", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderNameWithSpace_ReportsInvalidHeaderNameAtTheName()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                headers:
                  "Retry After": "1"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0018", DiagnosticSeverity.Error, line: 6, column: 7);
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
