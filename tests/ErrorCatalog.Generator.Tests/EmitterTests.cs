using Microsoft.CodeAnalysis;
using ErrorCatalog.Generator.Tests.Harness;

namespace ErrorCatalog.Generator.Tests;

/// <summary>What the generator writes for a catalog: compared with a baseline, and compiled with a consumer.</summary>
public sealed class EmitterTests
{
    private const string SmallCatalog = """
        namespace: Acme.Billing
        className: BillingErrors
        typeBase: https://docs.acme.test/errors/
        defaultShape: problem

        shapes:
          flat:
            contentType: application/json
            body:
              error: "{$code}"
              message: "{$detail}"
              retry_after: "{retryAfter}"
              meta:
                requestId: "{$requestId}"
                note: "Plan {$plan}: {limit} calls"
                version: 2
                internal: false

        errors:
          - code: QUOTA_EXCEEDED
            numericCode: 4001
            status: 429
            title: Quota exceeded
            detail: "You used {used:long} of {limit:long} calls."
            resolution: Wait for the reset.
            refusal: MonthlyLimit
            args:
              retryAfter: seconds
            headers:
              Retry-After: "{retryAfter}"
            shape: flat
          - code: not_found
            status: 404
            title: Not <found> & gone
            detail: "No {resource:string} \"here\"."
            docs: missing/resource
          - code: KEY_EXPIRED
            status: 401
            title: Key expired
            detail: "Expired at {expiredAt:timestamp}; {{retry}} later."
            type: urn:acme:key-expired
        """;

    [Fact]
    public void SmallCatalog_MatchesBaseline()
    {
        // Act
        var run = GeneratorHarness.Run(SmallCatalog);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Baseline.AssertMatches("SmallCatalog.generated.txt", run.GeneratedSource);
    }

    [Fact]
    public void SmallCatalog_CompilesWithConsumerCode()
    {
        // Arrange
        const string consumer = """
            namespace Consumer;

            /// <summary>Calls every factory as an application would.</summary>
            public static class Usage
            {
                /// <summary>All three errors.</summary>
                public static global::ErrorCatalog.ApiError[] All() =>
                [
                    global::Acme.Billing.BillingErrors.QuotaExceeded(used: 10, limit: 10, retryAfter: global::System.TimeSpan.FromSeconds(5)),
                    global::Acme.Billing.BillingErrors.NotFound(resource: "invoice"),
                    global::Acme.Billing.BillingErrors.KeyExpired(expiredAt: global::System.DateTimeOffset.UnixEpoch),
                ];

                /// <summary>The catalog and a descriptor.</summary>
                public static global::ErrorCatalog.ErrorDescriptor? Find() =>
                    global::Acme.Billing.BillingErrors.Catalog.Find(4001) ?? global::Acme.Billing.BillingErrors.Descriptors.NotFound;
            }
            """;

        // Act
        var run = GeneratorHarness.Run(SmallCatalog, GeneratorHarness.DefaultRootNamespace, consumer);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.StartsWith("Acme.Billing.BillingErrors.", run.Result.GeneratedSources.Single().HintName, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationCatalog_MarksItsAssemblyWithTheGeneratedClass()
    {
        // Act
        var run = GeneratorHarness.Run(SmallCatalog);

        // Assert: AddApiErrorCatalog finds the application's catalog through this attribute.
        Assert.Empty(run.CompilationDiagnostics);
        var marks = run.OutputCompilation.Assembly.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == "ErrorCatalog.CodeGeneration.GeneratedCatalogAttribute")
            .ToArray();
        var mark = Assert.Single(marks);
        Assert.Equal("Acme.Billing.BillingErrors", Assert.IsAssignableFrom<INamedTypeSymbol>(mark.ConstructorArguments.Single().Value).ToDisplayString());
    }

    [Fact]
    public void LibraryDefaultCatalog_DoesNotMarkItsAssembly()
    {
        // Arrange
        const string yaml = """
            namespace: ErrorCatalog.Defaults
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert: the library's own catalog is the defaults every application's catalog lies over, never an application's.
        Assert.Empty(run.CompilationDiagnostics);
        Assert.DoesNotContain("GeneratedCatalogAttribute", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void OneLineEntries_AsRequireCompleteCatalogSuggestsThem_Compile()
    {
        // Arrange: the lines the middleware's RequireCompleteCatalog start-up error lists, pasted under errors:.
        const string yaml = """
            namespace: App1
            errors:
              - { code: API_KEY_MISSING, status: 401, title: "API key missing.", refusal: KeyMissing }
              - { code: QUOTED, status: 403, title: "A \"quoted\" \\ title", refusal: PlanNotAuthorized }
              - { code: INTERNAL_SERVER_ERROR, status: 500, title: "An unexpected server issue was encountered." }   # UnhandledExceptionError
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("\"A \\\"quoted\\\" \\\\ title\"", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void CatalogWithoutNamespace_UsesRootNamespace()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml, rootNamespace: "Acme.Shop");

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("namespace Acme.Shop;", run.GeneratedSource, StringComparison.Ordinal);
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName("Acme.Shop.ApiErrors"));
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void CatalogWithoutNamespaceOrRootNamespace_UsesFallbackNamespace()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml, rootNamespace: null);

        // Assert
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName("ErrorCatalog.Generated.ApiErrors"));
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void CatalogWithNamespace_IgnoresRootNamespace()
    {
        // Arrange
        const string yaml = """
            namespace: Acme.Errors
            errors:
              - code: A
                status: 400
                title: T
            """;

        // Act
        var run = GeneratorHarness.Run(yaml, rootNamespace: "Acme.Shop");

        // Assert
        Assert.NotNull(run.OutputCompilation.GetTypeByMetadataName("Acme.Errors.ApiErrors"));
        Assert.Null(run.OutputCompilation.GetTypeByMetadataName("Acme.Shop.ApiErrors"));
    }

    [Fact]
    public void PlaceholderNamedLikeAKeyword_IsEscaped()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "Bad {class:string} and {event:int}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("A(string @class, int @event)", run.GeneratedSource, StringComparison.Ordinal);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void EveryPlaceholderType_CompilesToItsKindAndClrType()
    {
        // Arrange
        const string yaml = """
            errors:
              - code: A
                status: 400
                title: T
                detail: "{a:int} {b:long} {c:string} {d:seconds} {e:timestamp} {f:unixtime} {g:bool}"
            """;

        // Act
        var run = GeneratorHarness.Run(yaml);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Equal(7, Parser.PlaceholderTypes.Length);
        Assert.Contains(
            "A(int a, long b, string c, global::System.TimeSpan d, global::System.DateTimeOffset e, global::System.DateTimeOffset f, bool g)",
            run.GeneratedSource,
            StringComparison.Ordinal);
        foreach (var kind in Enum.GetNames<PlaceholderKind>())
        {
            Assert.Contains($"global::ErrorCatalog.CodeGeneration.PlaceholderKind.{kind})", run.GeneratedSource, StringComparison.Ordinal);
        }
    }
}
