using ErrorCatalog.Generator.Tests.Harness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ErrorCatalog.Generator.Tests.Fuzz;

/// <summary>Runs one variant through the generator as the compiler would, then compiles what it generated.</summary>
internal static class VariantRunner
{
    public static (VariantOutcome Outcome, string Detail) Run(CatalogVariant variant)
    {
        GeneratorRun run;
        try
        {
            run = GeneratorHarness.Run(variant.Text);
        }
        catch (Exception ex)
        {
            return (VariantOutcome.Crash, ex.GetType().Name + ": " + ex.Message);
        }

        var failures = run.GeneratorDiagnostics.Concat(run.Result.Diagnostics)
            .Where(d => d.Id is "CS8784" or "CS8785" or "EC0099" || run.Result.Exception is not null)
            .ToList();
        if (failures.Count > 0 || run.Result.Exception is not null)
        {
            return (VariantOutcome.Crash, run.Result.Exception?.Message ?? Describe(failures[0]));
        }

        var errors = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("EC", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            if (errors.Any(d => Line(d) >= variant.RegionStart && Line(d) <= variant.RegionEnd))
            {
                return (VariantOutcome.ClearError, Describe(errors[0]));
            }

            var atOrigin = errors.All(d => d.Location.GetLineSpan().StartLinePosition == default);
            return (atOrigin ? VariantOutcome.AtOrigin : VariantOutcome.Mislocated, string.Join(" | ", errors.Take(3).Select(Describe)));
        }

        // Warnings too: a consumer building with TreatWarningsAsErrors would fail on them.
        var compileErrors = run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (compileErrors.Count > 0)
        {
            return (VariantOutcome.NonCompiling, string.Join(" | ", compileErrors.Take(3).Select(d => d.ToString())));
        }

        if (UndeclaredMember(run) is { } member)
        {
            return (VariantOutcome.SilentlyAccepted, "generated member not in the catalog: " + member);
        }

        return variant.MustReject
            ? (VariantOutcome.SilentlyAccepted, "accepted without an EC error")
            : (VariantOutcome.Compiles, string.Empty);
    }

    private static int Line(Diagnostic diagnostic) => diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan().StartLinePosition;
        return $"{diagnostic.Id}({span.Line + 1},{span.Character + 1}): {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The generated class may hold only Catalog, Shapes (one field per shape), Descriptors (one field per entry and
    /// Catalog) and one factory per entry; anything else came from text, not from the catalog.
    /// </summary>
    private static string? UndeclaredMember(GeneratorRun run)
    {
        var source = run.Result.GeneratedSources.Single();
        var root = source.SyntaxTree.GetCompilationUnitRoot();
        var types = root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().ToList();
        if (types.Count != 3 || types[0] is not ClassDeclarationSyntax outer)
        {
            return string.Join(", ", types.Select(t => t.Identifier.Text));
        }

        var factories = outer.Members.OfType<MethodDeclarationSyntax>().Select(m => m.Identifier.Text).ToList();
        var descriptors = types.OfType<ClassDeclarationSyntax>().Single(t => t.Identifier.Text == "Descriptors");
        var fields = descriptors.Members.OfType<FieldDeclarationSyntax>().SelectMany(f => f.Declaration.Variables).Select(v => v.Identifier.Text).ToList();
        foreach (var member in outer.Members)
        {
            switch (member)
            {
                case PropertyDeclarationSyntax { Identifier.Text: "Catalog" }:
                case ClassDeclarationSyntax { Identifier.Text: "Shapes" or "Descriptors" }:
                    break;
                case MethodDeclarationSyntax method when fields.Contains(method.Identifier.Text):
                    break;
                default:
                    return member.ToString();
            }
        }

        if (descriptors.Members.Count != fields.Count || fields.Count != factories.Count + 1 || !fields.Contains("Catalog"))
        {
            return "Descriptors: " + string.Join(", ", fields);
        }

        var shapes = types.OfType<ClassDeclarationSyntax>().Single(t => t.Identifier.Text == "Shapes");
        var stray = shapes.Members.FirstOrDefault(m => m is not FieldDeclarationSyntax { Declaration.Type: var type } || type.ToString() != "global::ErrorCatalog.BodyShape");
        return stray is null ? null : "Shapes: " + stray;
    }
}
