using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>
/// Runs <see cref="ErrorCatalogGenerator"/> as the compiler would: errors.yaml as an AdditionalFiles item,
/// RootNamespace as a global analyzer option, step tracking on, against every assembly the tests run with but
/// ErrorCatalog.Client (whose reference turns on client mode: <see cref="CreateClientCompilation"/> adds it).
/// </summary>
internal static class GeneratorHarness
{
    public const string CatalogPath = "/src/errors.yaml";
    public const string DefaultRootNamespace = "Consumer.Api";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<MetadataReference> ClientReference =
        new(() => MetadataReference.CreateFromFile(typeof(ErrorCatalog.Client.CatalogError).Assembly.Location));

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"/src/Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>A compilation that references ErrorCatalog.Client, as a client project does.</summary>
    public static CSharpCompilation CreateClientCompilation(params string[] sources) =>
        CreateCompilation(sources).AddReferences(ClientReference.Value);

    public static GeneratorDriver CreateDriver(string yaml, string? rootNamespace = DefaultRootNamespace) =>
        CreateDriver(new InMemoryAdditionalText(CatalogPath, yaml), rootNamespace);

    public static GeneratorDriver CreateDriver(AdditionalText catalog, string? rootNamespace = DefaultRootNamespace, ImmutableDictionary<string, string>? fileOptions = null)
    {
        var options = rootNamespace is null
            ? ImmutableDictionary<string, string>.Empty
            : ImmutableDictionary<string, string>.Empty.Add("build_property.RootNamespace", rootNamespace);
        return CSharpGeneratorDriver.Create(
            [new ErrorCatalogGenerator().AsSourceGenerator()],
            [catalog],
            ParseOptions,
            new TestAnalyzerConfigOptionsProvider(options, fileOptions),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static GeneratorRun Run(string yaml, string? rootNamespace = DefaultRootNamespace, params string[] sources) =>
        Run(CreateDriver(yaml, rootNamespace), CreateCompilation(sources));

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, compilation, output, diagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return trusted
            .Append(typeof(ApiErrorCatalog).Assembly.Location)
            .Where(static path => !string.Equals(Path.GetFileName(path), "ErrorCatalog.Client.dll", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
