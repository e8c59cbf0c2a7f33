using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>An errors.yaml whose text cannot be had: reading it throws, as an out-of-memory or I/O failure would.</summary>
internal sealed class UnreadableAdditionalText(string path, Exception failure) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => throw failure;
}
