namespace ErrorCatalog.Middleware;

/// <summary>Marks an endpoint whose presented key must not become the request's user (see <see cref="EndpointPolicy.KeyNotUser"/>).</summary>
internal sealed class KeyNotUserMetadata
{
    public static readonly KeyNotUserMetadata Instance = new();

    private KeyNotUserMetadata()
    {
    }
}
