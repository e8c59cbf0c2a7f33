namespace ErrorCatalog;

/// <summary>Writes the errors of a controller or action in a named shape of the catalog.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class ErrorShapeAttribute : Attribute, IErrorShapeMetadata
{
    /// <summary>Names the shape.</summary>
    public ErrorShapeAttribute(string shapeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(shapeName);
        ShapeName = shapeName;
    }

    /// <inheritdoc />
    public string ShapeName { get; }
}
