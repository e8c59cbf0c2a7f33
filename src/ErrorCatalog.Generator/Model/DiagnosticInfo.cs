using Microsoft.CodeAnalysis.Text;

namespace ErrorCatalog.Generator.Model;

/// <summary>A diagnostic as plain data: the pipeline caches it, and it becomes a <see cref="Diagnostic"/> only when reported.</summary>
internal sealed record DiagnosticInfo(
    string Id,
    EquatableArray<string> MessageArgs,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = DiagnosticDescriptors.ById(Id);
        var location = Location.Create(FilePath, Span, LineSpan);
        return Diagnostic.Create(descriptor, location, MessageArgs.AsSpan().ToArray());
    }
}
