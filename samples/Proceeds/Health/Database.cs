namespace Proceeds.Health;

/// <summary>
/// The API's one dependency, in memory: when it is unavailable the health check fails (503) and the paywall
/// endpoints answer DATABASE_ERROR (500). Tests flip it through the service provider.
/// </summary>
public sealed class Database
{
    private volatile bool _isAvailable = true;

    /// <summary>Whether the database answers.</summary>
    public bool IsAvailable
    {
        get => _isAvailable;
        set => _isAvailable = value;
    }
}
