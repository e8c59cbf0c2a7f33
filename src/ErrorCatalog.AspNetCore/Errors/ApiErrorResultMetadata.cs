namespace ErrorCatalog;

/// <summary>The endpoint's handler can return an <see cref="ApiError"/> (declared by its return type).</summary>
internal sealed class ApiErrorResultMetadata
{
    public static ApiErrorResultMetadata Instance { get; } = new();

    private ApiErrorResultMetadata()
    {
    }
}
