namespace ErrorCatalog.Middleware;

/// <summary>A counter store could not decide in time; the middleware applies the configured outage policy.</summary>
internal sealed class CounterStoreUnavailableException(string message, Exception? inner) : Exception(message, inner);
