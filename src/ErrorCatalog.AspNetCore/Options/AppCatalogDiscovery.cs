using System.Reflection;
using ErrorCatalog;
using Microsoft.Extensions.Hosting;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Finds the catalogs generated from the application's own errors.yaml (<see cref="GeneratedCatalogAttribute"/> on
/// its assembly), for <see cref="ApiErrorCatalogOptions.Catalog"/> left unset. The application's assembly is the one
/// <see cref="IHostEnvironment.ApplicationName"/> names (what <c>WebApplicationFactory</c> sets to the app under
/// test), else the entry assembly; only that assembly is read, never the libraries or test projects beside it.
/// </summary>
internal static class AppCatalogDiscovery
{
    public static GeneratedCatalogAttribute[] Find(string? applicationName)
    {
        var assembly = Loaded(applicationName) ?? Assembly.GetEntryAssembly();
        return assembly is null ? [] : [.. assembly.GetCustomAttributes<GeneratedCatalogAttribute>()];
    }

    private static Assembly? Loaded(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        // The application's assembly is loaded by the time services are built; loading by name covers the rest.
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (string.Equals(assembly.GetName().Name, name, StringComparison.Ordinal))
            {
                return assembly;
            }
        }

        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }
}
