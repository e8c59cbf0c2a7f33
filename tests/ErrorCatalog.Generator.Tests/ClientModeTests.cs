using System.Collections.Immutable;
using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// Client mode: a project that references ErrorCatalog.Client gets, beside the catalog, the codes as constants, the
/// numeric codes as an enum and a typed view of each entry's placeholders; a per-file namespace lets one client read
/// several APIs' files.
/// </summary>
public sealed class ClientModeTests
{
    private const string Catalog = """
        className: ApiErrors
        defaultShape: flat
        shapes:
          flat:
            contentType: application/json
            body:
              error: "{$code}"
              tier_limit: "{tierLimit}"
              reset: "{resetAt}"
              other: "{error}"
        errors:
          - code: API_KEY_INVALID
            numericCode: 1001
            status: 401
            title: Invalid key
          - code: rate_limit_exceeded
            numericCode: 1008
            status: 429
            title: Rate limit exceeded
            detail: "You have used {used:long}/{limit:long} requests this minute"
            args:
              retryAfter: seconds
              tierLimit: string
              resetAt: unixtime
              error: string
            headers:
              Retry-After: "{retryAfter}"
        """;

    private const string Use = """
        using ErrorCatalog.Client;
        using Consumer.Api;

        internal static class Use
        {
            internal static string Branch(CatalogError error)
            {
                if (ApiErrors.TryGetRateLimitExceeded(error, out var limited))
                {
                    long? used = limited.Used;
                    long? limit = limited.Limit;
                    System.TimeSpan? retryAfter = limited.RetryAfter;
                    string? tier = limited.TierLimit;
                    System.DateTimeOffset? reset = limited.ResetAt;
                    string? clash = limited.ErrorValue;
                    return $"{used}/{limit} {retryAfter} {tier} {reset} {clash}";
                }

                return error.Code == ApiErrors.Codes.ApiKeyInvalid && (ApiErrors.NumericCodes?)error.NumericCode == ApiErrors.NumericCodes.ApiKeyInvalid
                    ? "invalid"
                    : "other";
            }
        }
        """;

    [Fact]
    public void ClientReferenced_CodesEnumAndTypedPlaceholders_CompileWithoutDiagnostics()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(Catalog), GeneratorHarness.CreateClientCompilation(Use));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains("public const string RateLimitExceeded = \"rate_limit_exceeded\";", run.GeneratedSource, StringComparison.Ordinal);
        Assert.Contains("ApiKeyInvalid = 1001,", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientCatalog_MatchesBaseline()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(Catalog), GeneratorHarness.CreateClientCompilation());

        Baseline.AssertMatches("ClientCatalog.generated.txt", run.GeneratedSource);
    }

    [Fact]
    public void ClientNotReferenced_NoClientMembers()
    {
        var run = GeneratorHarness.Run(Catalog);

        Assert.DoesNotContain("class Codes", run.GeneratedSource, StringComparison.Ordinal);
        Assert.DoesNotContain("TryGetRateLimitExceeded", run.GeneratedSource, StringComparison.Ordinal);
    }

    [Fact]
    public void FileNamespaceMetadata_WinsOverTheFilesAndTheRootNamespace()
    {
        var driver = GeneratorHarness.CreateDriver(
            new InMemoryAdditionalText(GeneratorHarness.CatalogPath, "namespace: Their.Api\n" + Catalog),
            fileOptions: ImmutableDictionary<string, string>.Empty.Add("build_metadata.AdditionalFiles.ErrorCatalogNamespace", "Fx.Client"));

        var run = GeneratorHarness.Run(driver, GeneratorHarness.CreateClientCompilation());

        Assert.Contains("namespace Fx.Client;", run.GeneratedSource, StringComparison.Ordinal);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void UnrelatedSyntaxTreeAdded_ClientStepIsCachedAndOutputUnchanged()
    {
        var first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(Catalog), GeneratorHarness.CreateClientCompilation());
        var edited = first.InputCompilation.AddSyntaxTrees(
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions));

        var second = GeneratorHarness.Run(first.Driver, edited);

        foreach (var name in new[] { ErrorCatalogGenerator.Steps.ReadCatalog, ErrorCatalogGenerator.Steps.ParseCatalog, ErrorCatalogGenerator.Steps.HasClient })
        {
            Assert.All(second.Result.TrackedSteps[name].SelectMany(step => step.Outputs), output =>
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {output.Reason}"));
        }

        Assert.Equal(first.GeneratedSource, second.GeneratedSource);
    }
}
