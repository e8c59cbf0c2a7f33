using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Client.Tests;

/// <summary>
/// A named HttpClient as a user configures one: base address, key header, the catalog handler (and whatever
/// <paramref name="more"/> adds), then the <see cref="Wire"/> recorder innermost, so it sees every attempt.
/// </summary>
internal static class Clients
{
    public static ServiceProvider Build(
        Uri baseAddress, string header, string key, ApiErrorCatalog catalog, Wire wire,
        Action<CatalogResilienceOptions>? configure = null, Action<IHttpClientBuilder>? more = null, bool catalogHandler = true)
    {
        var services = new ServiceCollection();
        var builder = services.AddHttpClient("api", c =>
        {
            c.BaseAddress = baseAddress;
            c.DefaultRequestHeaders.Add(header, key);
        });
        if (catalogHandler)
        {
            builder.AddCatalogResilienceHandler(catalog, configure);
        }

        more?.Invoke(builder);
        builder.AddHttpMessageHandler(wire.Handler);
        return services.BuildServiceProvider();
    }

    public static HttpClient Client(this ServiceProvider services) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
}
