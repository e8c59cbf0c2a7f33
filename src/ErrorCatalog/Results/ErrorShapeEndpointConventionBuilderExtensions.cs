using ErrorCatalog;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Minimal-API conventions for catalog errors.</summary>
public static class ErrorShapeEndpointConventionBuilderExtensions
{
    /// <summary>Writes the errors of these endpoints in the named shape of the catalog.</summary>
    public static TBuilder WithErrorShape<TBuilder>(this TBuilder builder, string shapeName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new ErrorShapeAttribute(shapeName);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
