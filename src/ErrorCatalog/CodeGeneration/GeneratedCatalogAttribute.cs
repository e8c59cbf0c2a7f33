using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace ErrorCatalog.CodeGeneration;

/// <summary>
/// Marks an assembly with a class generated from one of its errors.yaml files, so <c>AddApiErrorCatalog</c> finds the
/// application's catalog without being told. Emitted by the generator for every catalog but the library's own.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GeneratedCatalogAttribute : Attribute
{
    /// <summary>Marks <paramref name="catalogClass"/>, a generated class with a static <c>Catalog</c> property.</summary>
    public GeneratedCatalogAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type catalogClass)
    {
        ArgumentNullException.ThrowIfNull(catalogClass);
        CatalogClass = catalogClass;
    }

    /// <summary>The generated class.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)]
    public Type CatalogClass { get; }

    /// <summary>The class's catalog (its static <c>Catalog</c> property), or null when it has none.</summary>
    public ApiErrorCatalog? Catalog =>
        CatalogClass.GetProperty("Catalog", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ApiErrorCatalog;
}
