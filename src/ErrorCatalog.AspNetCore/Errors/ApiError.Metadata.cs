using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;

namespace ErrorCatalog;

// A handler returning ApiError (alone or in Results<Ok<T>, ApiError>) says so in its endpoint's metadata, so an
// OpenAPI document can describe the error response; the entry is only known when the handler runs.
public partial struct ApiError : IEndpointMetadataProvider
{
    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(ApiErrorResultMetadata.Instance);
    }
}
