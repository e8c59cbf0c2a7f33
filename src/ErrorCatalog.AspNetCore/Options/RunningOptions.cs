namespace ErrorCatalog.Middleware;

/// <summary>
/// The compiled options requests are decided with: what start-up compiled, then the last configuration reload that
/// validated (<see cref="OptionsReload"/>), swapped whole. The request path reads <see cref="Current"/> without a lock,
/// where it needs it (the key, the IP limit): each read is one whole configuration, and a request that straddles a
/// reload finishes with the key it looked up.
/// </summary>
internal sealed class RunningOptions(CompiledOptions startup)
{
    private volatile CompiledOptions _current = startup;

    /// <summary>What start-up compiled: the catalog, the refusals and every setting read only at start-up come from it.</summary>
    public CompiledOptions Startup { get; } = startup;

    /// <summary>What the next request is decided with: plans, subscriptions, configured keys, the IP limit, the default credits.</summary>
    public CompiledOptions Current => _current;

    /// <summary>Makes <paramref name="compiled"/> what the next request is decided with.</summary>
    public void Apply(CompiledOptions compiled) => _current = compiled;
}
