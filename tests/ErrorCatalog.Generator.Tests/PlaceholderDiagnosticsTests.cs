using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about templates and placeholders: EC0006–EC0008, EC0011, EC0016, EC0019–EC0022.</summary>
public sealed class PlaceholderDiagnosticsTests
{
    [Fact]
    public void InlineTypeUnknown_ReportsUnknownPlaceholderTypeAtTheDetail()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Used {used:float}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0006", DiagnosticSeverity.Error, line: 5, column: 13);
        Assert.Contains("'float'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ArgsTypeUnknown_ReportsUnknownPlaceholderTypeAtTheArgument()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Wait {wait}"
                args:
                  wait: minutes
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0006", DiagnosticSeverity.Error, line: 7, column: 7);
    }

    [Fact]
    public void UnusedArgumentOfUnknownType_ReportsOnlyUnknownPlaceholderType()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                args:
                  wait: minutes
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0006", DiagnosticSeverity.Error, line: 6, column: 7);
    }

    [Fact]
    public void HeaderUsesArgumentOfUnknownType_ReportsOnlyUnknownPlaceholderType()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 429
                title: T
                args:
                  wait: minutes
                headers:
                  Retry-After: "{wait}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0006", DiagnosticSeverity.Error, line: 6, column: 7);
    }

    [Fact]
    public void PlaceholderWithoutType_ReportsUndeclaredPlaceholderAtTheDetail()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Used {used}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0007", DiagnosticSeverity.Error, line: 5, column: 13);
        Assert.Contains("'used'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ArgumentNeverUsed_ReportsUnusedPlaceholderWarningAtItsDeclaration()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                args:
                  spare: int
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        DiagnosticAssert.At(diagnostic, "EC0008", DiagnosticSeverity.Warning, line: 6, column: 7);
        Assert.Single(run.Result.GeneratedSources);
    }

    [Fact]
    public void HeaderUsesUndeclaredPlaceholder_ReportsUnknownHeaderPlaceholderAtTheValue()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 429
                title: T
                headers:
                  Retry-After: "{wait}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0011", DiagnosticSeverity.Error, line: 6, column: 20);
        Assert.Contains("'Retry-After'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void NinePlaceholders_ReportsTooManyPlaceholdersAtTheCode()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "{a:int}{b:int}{c:int}{d:int}{e:int}{f:int}{g:int}{h:int}{i:int}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0016", DiagnosticSeverity.Error, line: 2, column: 11);
    }

    [Fact]
    public void EightPlaceholders_AreAllowed()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "{a:int}{b:int}{c:int}{d:int}{e:int}{f:int}{g:int}{h:int}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void UnknownSystemValue_ReportsUnknownSystemValueAtTheTemplate()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Request {$requestGuid} failed"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0019", DiagnosticSeverity.Error, line: 5, column: 13);
        Assert.Contains("'$requestGuid'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void DetailNamesItself_ReportsUnknownSystemValue()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Again: {$detail}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0019", DiagnosticSeverity.Error, line: 5, column: 13);
    }

    [Fact]
    public void InlineAndArgsTypesDiffer_ReportsConflictingPlaceholderTypeAtTheArgument()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Used {used:int}"
                args:
                  used: string
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0020", DiagnosticSeverity.Error, line: 7, column: 7);
        Assert.Contains("'int'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'string'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Use } alone")]
    [InlineData("Use { alone")]
    public void UnbalancedBrace_ReportsMalformedTemplateAtTheDetail(string detail)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: A
                status: 400
                title: T
                detail: "{detail}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0021", DiagnosticSeverity.Error, line: 5, column: 13);
    }

    [Fact]
    public void DoubledBraces_AreLiteralBraces()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Send {{\"id\": {id:int}}}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("Literal(\"Send {\\\"id\\\": \"u8)", run.GeneratedSource, StringComparison.Ordinal);
        Assert.Contains("Literal(\"}\"u8)", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineTypeInHeader_ReportsMalformedTemplateAtTheHeader()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 429
                title: T
                headers:
                  Retry-After: "{wait:seconds}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "EC0021");
        DiagnosticAssert.At(diagnostic, "EC0021", DiagnosticSeverity.Error, line: 6, column: 20);
    }

    [Fact]
    public void PlaceholderNameStartsWithDigit_ReportsInvalidPlaceholderNameAtTheDetail()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Used {1st:int}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0022", DiagnosticSeverity.Error, line: 5, column: 13);
        Assert.Contains("'1st'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ArgsNameWithDash_ReportsInvalidPlaceholderNameAtTheArgument()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                args:
                  retry-after: seconds
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0022", DiagnosticSeverity.Error, line: 6, column: 7);
    }
}
