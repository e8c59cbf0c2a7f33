using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>One run of the generator: the driver (to run again), the compilations and what was reported.</summary>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    Compilation InputCompilation,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    /// <summary>The text of the only generated file, line endings normalised to \n.</summary>
    public string GeneratedSource =>
        Result.GeneratedSources.Single().SourceText.ToString().ReplaceLineEndings("\n");

    /// <summary>Diagnostics of the compilation with the generated code, of every severity.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => OutputCompilation.GetDiagnostics();
}
