namespace CoinApi;

/// <summary>
/// Marks the sample's assembly for <c>WebApplicationFactory&lt;NodeApi&gt;</c>: several samples each have a global
/// <c>Program</c>, so tests name this type instead.
/// </summary>
public sealed class NodeApi
{
    private NodeApi()
    {
    }
}
