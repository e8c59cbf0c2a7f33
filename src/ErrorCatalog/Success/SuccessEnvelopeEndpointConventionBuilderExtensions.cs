using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Success envelopes for minimal APIs and route groups.</summary>
public static class SuccessEnvelopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Writes the endpoints' successful results in <paramref name="shape"/> (e.g. <c>ApiErrors.Shapes.StatusOk</c>),
    /// the result as <c>$data</c>.
    /// </summary>
    public static TBuilder WithSuccessShape<TBuilder>(this TBuilder builder, BodyShape shape)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(shape);
        return builder.AddEndpointFilter(new SuccessEnvelopeFilter(shape));
    }
}
