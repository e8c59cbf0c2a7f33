namespace ErrorCatalog;

/// <summary>Endpoint metadata naming the body shape its errors are written in.</summary>
internal interface IErrorShapeMetadata
{
    /// <summary>A shape declared in the catalog (<c>problem</c> or one under <c>shapes:</c>).</summary>
    string ShapeName { get; }
}
