using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>
/// Global options (a project's CompilerVisibleProperty items) and the same options for every additional file (its
/// CompilerVisibleItemMetadata, build_metadata.AdditionalFiles.*).
/// </summary>
internal sealed class TestAnalyzerConfigOptionsProvider(ImmutableDictionary<string, string> globalOptions, ImmutableDictionary<string, string>? fileOptions = null)
    : AnalyzerConfigOptionsProvider
{
    private readonly AnalyzerConfigOptions _fileOptions = fileOptions is null ? TestAnalyzerConfigOptions.Empty : new TestAnalyzerConfigOptions(fileOptions);

    public override AnalyzerConfigOptions GlobalOptions { get; } = new TestAnalyzerConfigOptions(globalOptions);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestAnalyzerConfigOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _fileOptions;
}
