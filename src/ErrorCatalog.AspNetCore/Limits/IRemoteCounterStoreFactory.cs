namespace ErrorCatalog.Middleware;

/// <summary>
/// Makes the counter store for a configured remote backend; registered by the package that carries its client
/// (ErrorCatalog.Redis), so apps counting in memory do not depend on that client.
/// </summary>
internal interface IRemoteCounterStoreFactory
{
    ICounterStore Create(IServiceProvider services, ApiErrorCatalogOptions options);
}
