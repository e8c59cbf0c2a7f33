using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ErrorCatalog.Generator;

/// <summary>
/// errors.yaml (an AdditionalFiles item of the consuming project) -> a static <c>ApiErrors</c> class.
/// The pipeline: read the file's text, parse it into an equatable model, emit. It never touches the
/// Compilation, so editing C# leaves every step cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ErrorCatalogGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline's steps, for caching tests.</summary>
    public static class Steps
    {
        public const string ReadCatalog = nameof(ReadCatalog);
        public const string RootNamespace = nameof(RootNamespace);
        public const string ParseCatalog = nameof(ParseCatalog);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static file => Path.GetFileName(file.Path).EndsWith("errors.yaml", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => (file.Path, Text: file.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .WithTrackingName(Steps.ReadCatalog);

        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) ? value : null)
            .WithTrackingName(Steps.RootNamespace);

        var parsed = files
            .Combine(rootNamespace)
            .Select(static (input, cancellationToken) =>
                Parser.Parse(input.Left.Path, input.Left.Text, input.Right, cancellationToken))
            .WithTrackingName(Steps.ParseCatalog);

        context.RegisterSourceOutput(parsed, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Catalog is { } catalog)
            {
                var source = Emitter.Emit(catalog, output.CancellationToken);
                output.AddSource(HintName(result.FilePath, catalog), SourceText.From(source, Encoding.UTF8));
            }
        });
    }

    private static string HintName(string path, Model.CatalogModel catalog)
    {
        // Stable and unique per file: two catalogs in one project get two files.
        var hash = path.Aggregate(17, static (h, c) => unchecked((h * 31) + c)) & 0x7FFFFFFF;
        return $"{catalog.Namespace}.{catalog.ClassName}.{hash:x8}.g.cs";
    }
}
