using ErrorCatalog.Generator.Tests.Harness;

namespace ErrorCatalog.Generator.Tests;

/// <summary>The catalog the library ships (the repository's errors.yaml) through the generator.</summary>
public sealed class RootCatalogTests
{
    private static readonly string RootCatalog = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "errors.yaml"));

    [Fact]
    public void RootCatalog_CompilesWithoutAnyDiagnostic()
    {
        // Act (the generated code alone: a snippet naming ErrorCatalog.Defaults.ApiErrors would also meet the runtime's
        // own compiled copy and get CS0436)
        var run = GeneratorHarness.Run(RootCatalog);

        // Assert
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Result.GeneratedSources);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Fact]
    public void RootCatalog_GeneratesTheClassItNames()
    {
        // Act
        var run = GeneratorHarness.Run(RootCatalog);

        // Assert
        var type = run.OutputCompilation.Assembly.GetTypeByMetadataName("ErrorCatalog.Defaults.ApiErrors");
        Assert.NotNull(type);
        Assert.Contains(type.GetMembers(), m => m.Name == "ApiKeyPlanMinuteRateLimitReached");
        Assert.StartsWith("ErrorCatalog.Defaults.ApiErrors.", run.Result.GeneratedSources.Single().HintName, StringComparison.Ordinal);
    }
}
