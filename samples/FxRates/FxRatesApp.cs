namespace FxRates;

/// <summary>
/// Names this sample's assembly for <c>WebApplicationFactory&lt;FxRatesApp&gt;</c>: several samples each have a
/// global <c>Program</c>, so tests reference this type instead.
/// </summary>
public sealed class FxRatesApp
{
    private FxRatesApp()
    {
    }
}
