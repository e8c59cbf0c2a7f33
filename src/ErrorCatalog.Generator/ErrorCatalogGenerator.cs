using System.IO;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ErrorCatalog.Generator;

/// <summary>
/// errors.yaml (an AdditionalFiles item of the consuming project) -> a static <c>ApiErrors</c> class.
/// The pipeline: read the file's text, parse it into an equatable model, emit. It never touches the Compilation, so
/// editing C# leaves every step cached. Its references say whether the project has ErrorCatalog.AspNetCore: then the
/// class has a factory per entry (they return its <c>ApiError</c>); with the core package alone (a client) it has the
/// catalog and shapes only. With ErrorCatalog.Client (a client of the API, reading its published errors.yaml) it also
/// has the codes, a numeric-code enum and a typed view of each entry's placeholders over the client's parsed error. A
/// file's <c>ErrorCatalogNamespace</c> item metadata names its namespace, so one client can read several APIs' files.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed class ErrorCatalogGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline's steps, for caching tests.</summary>
    public static class Steps
    {
        public const string ReadCatalog = nameof(ReadCatalog);
        public const string RootNamespace = nameof(RootNamespace);
        public const string ParseCatalog = nameof(ParseCatalog);
        public const string HasFactories = nameof(HasFactories);
        public const string HasClient = nameof(HasClient);
    }

    /// <summary>The AdditionalFiles metadata that names a file's namespace (ErrorCatalog.props makes it visible).</summary>
    internal const string NamespaceMetadata = "build_metadata.AdditionalFiles.ErrorCatalogNamespace";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static file => Path.GetFileName(file.Path).EndsWith("errors.yaml", StringComparison.OrdinalIgnoreCase))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (input, cancellationToken) => Read(input.Left, input.Right, cancellationToken))
            .WithTrackingName(Steps.ReadCatalog);

        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var value) ? value : null)
            .WithTrackingName(Steps.RootNamespace);

        var parsed = files
            .Combine(rootNamespace)
            .Select(static (input, cancellationToken) => input.Left.Failure is { } failure
                ? Parser.Failed(input.Left.Path, failure.Type, failure.Message)
                : Parser.Parse(input.Left.Path, input.Left.Text, input.Right, cancellationToken, input.Left.Namespace))
            .WithTrackingName(Steps.ParseCatalog);

        // From the references, which change with the project file, not with every edit as the Compilation does.
        var factories = context.MetadataReferencesProvider
            .Where(static reference => IsPackage(reference.Display, "ErrorCatalog.AspNetCore"))
            .Collect()
            .Select(static (references, _) => !references.IsEmpty)
            .WithTrackingName(Steps.HasFactories);

        var client = context.MetadataReferencesProvider
            .Where(static reference => IsPackage(reference.Display, "ErrorCatalog.Client"))
            .Collect()
            .Select(static (references, _) => !references.IsEmpty)
            .WithTrackingName(Steps.HasClient);

        context.RegisterSourceOutput(parsed.Combine(factories).Combine(client), static (output, input) =>
        {
            var ((result, withFactories), withClient) = input;
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Catalog is { } catalog)
            {
                string source;
                try
                {
                    source = Emitter.Emit(catalog, withFactories || catalog.Namespace == Emitter.LibraryNamespace, withClient, output.CancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    output.ReportDiagnostic(Parser.Failure(result.FilePath, ex).ToDiagnostic());
                    return;
                }

                output.AddSource(HintName(result.FilePath, catalog), SourceText.From(source, Encoding.UTF8));
            }
        });
    }

    /// <summary>
    /// A reference to the package <paramref name="assembly"/>: a file (a package's or a build's, displayed as its path)
    /// or, in an IDE, a project's compilation (displayed as its assembly name).
    /// </summary>
    private static bool IsPackage(string? display, string assembly) =>
        display is not null
        && (string.Equals(Path.GetFileName(display), assembly + ".dll", StringComparison.OrdinalIgnoreCase)
            || string.Equals(display, assembly, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The file's text and its <c>ErrorCatalogNamespace</c> metadata, or why it could not be read (an error then, not
    /// the compiler's warning CS8785).
    /// </summary>
    private static (string Path, string Text, (string Type, string Message)? Failure, string? Namespace) Read(
        AdditionalText file, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var ns = options.GetOptions(file).TryGetValue(NamespaceMetadata, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        try
        {
            return (file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty, null, ns);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (file.Path, string.Empty, (ex.GetType().Name, ex.Message), ns);
        }
    }

    private static string HintName(string path, Model.CatalogModel catalog)
    {
        // Stable and unique per file: two catalogs in one project get two files.
        var hash = path.Aggregate(17, static (h, c) => unchecked((h * 31) + c)) & 0x7FFFFFFF;
        return $"{catalog.Namespace}.{catalog.ClassName}.{hash:x8}.g.cs";
    }
}
