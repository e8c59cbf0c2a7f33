namespace ErrorCatalog.Packages.Tests;

/// <summary>
/// Packs src/ErrorCatalog, src/ErrorCatalog.AspNetCore, src/ErrorCatalog.Redis and src/ErrorCatalog.Client once, with a version no cache has seen, into a temporary feed. Its build goes to a
/// temporary artifacts folder, so it neither collides with nor disturbs builds of the checkout running meanwhile.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public string Version { get; } = $"0.0.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    public string Root { get; } = Directory.CreateTempSubdirectory("errorcatalog-package-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string PackagePath => Path.Combine(Feed, $"ErrorCatalog.{Version}.nupkg");

    public string AspNetCorePackagePath => Path.Combine(Feed, $"ErrorCatalog.AspNetCore.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        // The core package (generator, build files), the ASP.NET Core one that depends on it, Redis's, and the client's.
        foreach (var (folder, path) in new[]
        {
            ("ErrorCatalog", PackagePath),
            ("ErrorCatalog.AspNetCore", AspNetCorePackagePath),
            ("ErrorCatalog.Redis", Path.Combine(Feed, $"ErrorCatalog.Redis.{Version}.nupkg")),
            ("ErrorCatalog.Client", Path.Combine(Feed, $"ErrorCatalog.Client.{Version}.nupkg")),
        })
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

    /// <summary>
    /// A folder for a new project that restores ErrorCatalog packages from this feed only (whatever nuget.org holds
    /// under those names never mixes in) and everything else from nuget.org, with no MSBuild files from above it.
    /// </summary>
    public string CreateProjectFolder(string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(directory, file), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="errorcatalog-test" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="errorcatalog-test">
                  <package pattern="ErrorCatalog" />
                  <package pattern="ErrorCatalog.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        return directory;
    }

    public Task DisposeAsync()
    {
        TryDelete(Root);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(packages, "errorcatalog", Version));
        TryDelete(Path.Combine(packages, "errorcatalog.aspnetcore", Version));
        TryDelete(Path.Combine(packages, "errorcatalog.redis", Version));
        TryDelete(Path.Combine(packages, "errorcatalog.client", Version));
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
