using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// Values of errors.yaml land in doc comments, string literals and identifiers: each is escaped for its place or
/// refused with a located error, so nothing the catalog does not declare becomes a member.
/// </summary>
public sealed class InjectionTests
{
    [Theory]
    [InlineData("title: \"T\\n    public static int Injected { get { return 42; } } //\"")]
    [InlineData("title: \"T\\r\\n    public static int Injected { get { return 42; } } //\"")]
    [InlineData("title: \"T\\u2028    public static int Injected => 42; //\"")]
    [InlineData("title: \"T\\u2029    public static int Injected => 42; //\"")]
    [InlineData("title: \"T\\x85    public static int Injected => 42; //\"")]
    [InlineData("title: T\n    resolution: \"R\\n    public static int Injected => 42; //\"")]
    public void ValueWithALineBreakAndMemberText_AddsNoMemberAndCompiles(string title)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: A
                status: 400
                detail: D
                {title}
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var type = run.OutputCompilation.GetTypeByMetadataName("Consumer.Api.ApiErrors")!;
        Assert.DoesNotContain(type.GetMembers(), m => m.Name == "Injected");
    }

    [Fact]
    public void TitleBlockScalar_CompilesWithEachLineInTheDocComment()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: |
                  First line
                  public static int Injected => 42; //
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("    /// <summary>A, HTTP 400: First line\n    /// public static int Injected =&gt; 42; //</summary>\n", run.GeneratedSource, StringComparison.Ordinal);
        Assert.Contains("title: \"First line\\npublic static int Injected => 42; //\",", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesWithSeparatorsQuotesAndControlCharacters_CompileToTheSameText()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: "a\u2028b\u2029c\x85d\0e\x1bf\"g\\h"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert: the literal escapes every one of them
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("title: \"a\\u2028b\\u2029c\\u0085d\\0e\\u001bf\\\"g\\\\h\",", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"application/json\\r\\nX-Evil: 1\"")]
    [InlineData("\"application/json\\u2028\"")]
    [InlineData("json please")]
    [InlineData("application/")]
    public void ContentTypeNotAMediaType_ReportsInvalidContentTypeAtTheValue(string contentType)
    {
        // Arrange
        var yaml = $"""
            shapes:
              flat:
                contentType: {contentType}
                body:
                  error: "{"{$code}"}"
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0026", DiagnosticSeverity.Error, line: 3, column: 18);
        Assert.DoesNotContain('\n', diagnostic.GetMessage());
    }

    [Fact]
    public void ContentTypeWithParameters_IsAccepted()
    {
        // Arrange
        const string yaml = """
            shapes:
              flat:
                contentType: application/problem+json; charset=utf-8; profile="https://x.test/a b"
                body:
                  error: "{$code}"
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Theory]
    [InlineData("namespace: class", "EC0015")]
    [InlineData("namespace: Acme.class.Errors", "EC0015")]
    [InlineData("className: class", "EC0015")]
    [InlineData("className: var", "EC0015")]
    [InlineData("className: Shapes", "EC0025")]
    [InlineData("className: Descriptors", "EC0025")]
    [InlineData("className: Catalog", "EC0025")]
    public void NameThatCannotBeTheGeneratedOne_ReportsAtTheName(string line, string id)
    {
        // Arrange
        var yaml = $"""
            {line}
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, id, DiagnosticSeverity.Error, line: 1, column: line.IndexOf(':', StringComparison.Ordinal) + 3);
    }

    [Theory]
    [InlineData("SHAPES")]
    [InlineData("TO_STRING")]
    [InlineData("get_hash_code")]
    public void CodeThatBecomesAGeneratedOrInheritedMember_ReportsNameCollision(string code)
    {
        // Arrange
        var yaml = $"""
            errors:
              - code: {code}
                status: 400
                title: T
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0017", DiagnosticSeverity.Error, line: 2, column: 11);
    }

    [Fact]
    public void HeaderValueWithALineBreak_ReportsInvalidHeaderValue()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 429
                title: T
                args:
                  retryAfter: seconds
                headers:
                  Retry-After: "{retryAfter}\r\nSet-Cookie: a=b"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0027", DiagnosticSeverity.Error, line: 8, column: 20);
    }

    [Fact]
    public void PlaceholderNamedLikeTheFactoryLocal_Compiles()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "{error:string} {error_:int} {class:string}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void PlaceholderNamedDescriptors_ReportsReservedName()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "{Descriptors:string}"
            """;

        // Act
        var diagnostic = DiagnosticAssert.Single(yaml);

        // Assert
        DiagnosticAssert.At(diagnostic, "EC0028", DiagnosticSeverity.Error, line: 5, column: 13);
    }

    [Fact]
    public void ShapesNamedLikeTheirClassOrEachOther_Compile()
    {
        // Arrange
        const string yaml = """
            shapes:
              x:
                body: {a: 1}
              X:
                body: {a: 1}
              x1:
                body: {a: 1}
              shapes:
                body: {a: 1}
            errors:
              - code: A
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
