using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>Diagnostics about templates and placeholders: EC0006–EC0008, EC0011, EC0016, EC0019–EC0022, EC0029.</summary>
public sealed class PlaceholderDiagnosticsTests
{
    /// <summary>
    /// One entry, one error: the case, the entry's lines after <c>title</c> (status 429 where a header is involved),
    /// the diagnostic's id and place in errors.yaml, and the quoted names its message must hold.
    /// </summary>
    public static readonly TheoryData<string, int, string, string, int, int, string[]> SingleErrors = new()
    {
        { "inline type unknown, at the detail", 400, "detail: \"Used {used:float}\"", "EC0006", 5, 13, ["'float'"] },
        { "args type unknown, at the argument", 400, "detail: \"Wait {wait}\"\nargs:\n  wait: minutes", "EC0006", 7, 7, [] },
        { "unused argument of unknown type: only the unknown type", 400, "args:\n  wait: minutes", "EC0006", 6, 7, [] },
        { "header uses an argument of unknown type: only the unknown type", 429, "args:\n  wait: minutes\nheaders:\n  Retry-After: \"{wait}\"", "EC0006", 6, 7, [] },
        { "placeholder without type: undeclared, at the detail", 400, "detail: \"Used {used}\"", "EC0007", 5, 13, ["'used'"] },
        { "header uses an undeclared placeholder, at the value", 429, "headers:\n  Retry-After: \"{wait}\"", "EC0011", 6, 20, ["'Retry-After'"] },
        { "nine placeholders: too many, at the code", 400, "detail: \"{a:int}{b:int}{c:int}{d:int}{e:int}{f:int}{g:int}{h:int}{i:int}\"", "EC0016", 2, 11, [] },
        { "unknown system value, at the template", 400, "detail: \"Request {$requestGuid} failed\"", "EC0019", 5, 13, ["'$requestGuid'"] },
        { "detail names itself: unknown system value", 400, "detail: \"Again: {$detail}\"", "EC0019", 5, 13, [] },
        { "inline and args types differ, at the argument", 400, "detail: \"Used {used:int}\"\nargs:\n  used: string", "EC0020", 7, 7, ["'int'", "'string'"] },
        { "unbalanced closing brace: malformed, at the detail", 400, "detail: \"Use } alone\"", "EC0021", 5, 13, [] },
        { "unbalanced opening brace: malformed, at the detail", 400, "detail: \"Use { alone\"", "EC0021", 5, 13, [] },
        { "placeholder name starts with a digit, at the detail", 400, "detail: \"Used {1st:int}\"", "EC0022", 5, 13, ["'1st'"] },
        { "args name with a dash, at the argument", 400, "args:\n  retry-after: seconds", "EC0022", 6, 7, [] },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Entry_ReportsItsOneErrorAtItsPlace(string @case, int status, string lines, string id, int line, int column, string[] quoted)
    {
        // Arrange
        _ = @case; // names the row in the test's display name
        var yaml = $"errors:\n  - code: A\n    status: {status}\n    title: T\n" + string.Join('\n', lines.Split('\n').Select(static l => "    " + l));

        // Act, Assert
        DiagnosticAssert.SingleAt(yaml, id, DiagnosticSeverity.Error, line, column, quoted);
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

    /// <summary>
    /// An entry answering a refusal with a placeholder the middleware leaves empty: the case, the entry's lines after
    /// <c>title</c>, the warning's place, and the quoted names its message must hold.
    /// </summary>
    public static readonly TheoryData<string, string, int, int, string[]> UnfilledRefusalPlaceholders = new()
    {
        { "limit typed as a timestamp, at the detail", "detail: \"{used:long}/{limit:timestamp} requests\"\nrefusal: MinuteLimit", 5, 13, ["'limit:timestamp'", "MinuteLimit", "int, long, string, seconds"] },
        { "a name never filled for the refusal, at its argument", "detail: \"Your plan {tierName} does not include this\"\nrefusal: PlanNotAuthorized\nargs:\n  tierName: string", 8, 7, ["'tierName:string'", "PlanNotAuthorized", "plan, tier"] },
        { "scope on a limit refusal", "detail: \"Needs {scope:string}\"\nrefusal: DailyLimit", 5, 13, ["'scope:string'", "DailyLimit"] },
        { "plan of a missing key: there is no key", "detail: \"Send your key ({plan:string})\"\nrefusal: KeyMissing", 5, 13, ["'plan:string'", "KeyMissing", "header, upgradeUrl"] },
        { "the key header as a number", "detail: \"In the {header:int} header\"\nrefusal: KeyInvalid", 5, 13, ["'header:int'", "as string, not int"] },
        { "a reset as seconds", "detail: \"Resets in {resetAt:seconds}\"\nrefusal: MonthlyLimit", 5, 13, ["'resetAt:seconds'", "timestamp, unixtime"] },
    };

    [Theory]
    [MemberData(nameof(UnfilledRefusalPlaceholders))]
    public void RefusalEntry_PlaceholderTheMiddlewareLeavesEmpty_WarnsAtItsLine(string @case, string lines, int line, int column, string[] quoted)
    {
        // Arrange
        _ = @case;
        var yaml = "errors:\n  - code: A\n    status: 429\n    title: T\n" + string.Join('\n', lines.Split('\n').Select(static l => "    " + l));

        // Act, Assert: a warning, so the catalog is still generated
        DiagnosticAssert.SingleAt(yaml, "EC0029", DiagnosticSeverity.Warning, line, column, quoted);
        Assert.Single(GeneratorHarness.Run(yaml).Result.GeneratedSources);
    }

    public static TheoryData<string> Refusals => new(Parser.Refusals);

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusalEntry_EveryPlaceholderTheMiddlewareFills_InEveryTypeItFillsAs_RaisesNothing(string refusal)
    {
        // Arrange: one entry per placeholder and type, each answering the refusal in its own file
        var filled = RefusalPlaceholders.ByRefusal[refusal];
        foreach (var (name, types) in filled)
        {
            foreach (var type in types)
            {
                var yaml = $"errors:\n  - code: A\n    status: 429\n    title: T\n    detail: \"{{{name}:{type}}}\"\n    refusal: {refusal}\n";

                // Act
                var run = GeneratorHarness.Run(yaml);

                // Assert
                Assert.Empty(run.GeneratorDiagnostics);
            }
        }
    }

    [Fact]
    public void EntryWithoutARefusal_MayDeclareAnyPlaceholder()
    {
        // Act
        var run = GeneratorHarness.Run("errors:\n  - code: A\n    status: 429\n    title: T\n    detail: \"{limit:timestamp} {tierName:string}\"\n");

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
    }
}
