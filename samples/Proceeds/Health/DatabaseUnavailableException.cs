namespace Proceeds.Health;

/// <summary>The database does not answer: a key lookup answers DATABASE_ERROR (500) from the catalog.</summary>
public sealed class DatabaseUnavailableException() : Exception("The database does not answer.");
