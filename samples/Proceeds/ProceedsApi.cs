namespace Proceeds;

/// <summary>
/// Marks the sample's assembly for <c>WebApplicationFactory&lt;ProceedsApi&gt;</c>: several samples each have a
/// global <c>Program</c>, so tests name this type instead.
/// </summary>
public sealed class ProceedsApi
{
    private ProceedsApi()
    {
    }
}
