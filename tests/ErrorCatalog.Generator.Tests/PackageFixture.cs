using ErrorCatalog.Generator.Tests.Harness;

namespace ErrorCatalog.Generator.Tests;

/// <summary>
/// Packs src/ErrorCatalog and src/ErrorCatalog.AspNetCore once, with a version no cache has seen, into a temporary feed. Its build goes to a
/// temporary artifacts folder, so it neither collides with nor disturbs builds of the checkout running meanwhile.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string Version { get; } = $"0.0.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    public string Root { get; } = Directory.CreateTempSubdirectory("errorcatalog-package-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string PackagePath => Path.Combine(Feed, $"ErrorCatalog.{Version}.nupkg");

    public string AspNetCorePackagePath => Path.Combine(Feed, $"ErrorCatalog.AspNetCore.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        // The core package (generator, build files) and the ASP.NET Core one that depends on it.
        foreach (var (folder, path) in new[] { ("ErrorCatalog", PackagePath), ("ErrorCatalog.AspNetCore", AspNetCorePackagePath) })
        {
            var project = Path.Combine(RepositoryRoot.Path, "src", folder, folder + ".csproj");
            var pack = await DotNetCli.RunAsync(
                RepositoryRoot.Path,
                "pack", project, "-c", "Release", "-o", Feed, "--artifacts-path", Path.Combine(Root, "artifacts"),
                $"-p:MinVerVersionOverride={Version}", "--disable-build-servers");
            Assert.True(pack.ExitCode == 0, pack.ToString());
            Assert.True(File.Exists(path), pack.ToString());
        }
    }

    public Task DisposeAsync()
    {
        TryDelete(Root);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(packages, "errorcatalog", Version));
        TryDelete(Path.Combine(packages, "errorcatalog.aspnetcore", Version));
        return Task.CompletedTask;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
