using System.Text.RegularExpressions;

namespace ErrorCatalog.Packages.Tests;

/// <summary>
/// docs/client.md's quick start as written: a fresh console app, the page's install line against the packed packages,
/// the errors.yaml the FX sample serves and the page's Program.cs, run against the FX sample on Kestrel.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed partial class ClientQuickStartTests(PackageFeed feed)
{
    private static readonly string Page = Path.Combine(RepositoryRoot.Path, "docs", "client.md");
    private const string DocumentedAddress = "http://127.0.0.1:5082";

    [Fact]
    public async Task ClientQuickStart_AllFifteenCallsSucceed_AgainstTheFxSample()
    {
        // Arrange: the sample built apart from the checkout's own output, its free tier's minute made 5 seconds.
        var sample = Path.Combine(RepositoryRoot.Path, "samples", "FxRates");
        var artifacts = Path.Combine(feed.Root, "fxrates-artifacts");
        var buildSample = await DotNetCli.RunAsync(RepositoryRoot.Path,
            "build", Path.Combine(sample, "FxRates.csproj"), "-c", "Release", "--artifacts-path", artifacts, "--disable-build-servers");
        Assert.True(buildSample.ExitCode == 0, buildSample.ToString());
        var (api, apiOutput) = await KestrelApp.StartAsync(sample, Path.Combine(artifacts, "bin", "FxRates", "release", "FxRates.dll"),
            "--ApiErrorCatalog:Plans:free:Limits:minute:Window=00:00:05");
        Assert.True(api is not null, apiOutput);
        await using var _ = api;

        var project = feed.CreateProjectFolder("FxConsole");
        var create = await DotNetCli.RunAsync(project, "new", "console", "-n", "FxConsole", "-o", ".", "--no-restore");
        Assert.True(create.ExitCode == 0, create.ToString());
        var install = MarkdownCode.ShellLines(Page, "dotnet add package").Single(l => l.StartsWith("dotnet add package", StringComparison.Ordinal));
        var add = await DotNetCli.RunAsync(project, install.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.True(add.ExitCode == 0, add.ToString());
        // The page's curl: the errors.yaml the running API serves beside its docs page.
        Assert.Contains($"curl -fsS -o errors.yaml {DocumentedAddress}/errors/errors.yaml", File.ReadAllText(Page), StringComparison.Ordinal);
        await File.WriteAllBytesAsync(Path.Combine(project, "errors.yaml"), await api.Client.GetByteArrayAsync("/errors/errors.yaml"));
        var program = MarkdownCode.FileBlock(Page, "Program.cs");
        Assert.Contains(DocumentedAddress, program, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program.Replace(DocumentedAddress, api.Client.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal));
        var build = await DotNetCli.RunAsync(project, "build", "-c", "Release", "-warnaserror", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());

        // Act: windows are aligned to UTC multiples of their length, so the run starts as one begins: the first ten
        // calls share it however busy the machine is, and the eleventh waits for the next.
        var window = TimeSpan.FromSeconds(5).Ticks;
        await Task.Delay(TimeSpan.FromTicks(window - (DateTimeOffset.UtcNow.UtcTicks % window)));
        var run = await DotNetCli.RunAsync(project, "run", "--no-build", "-c", "Release");

        // Assert: 15 answers of 200 (the 11th after the window's reset), no refusal printed.
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Trim().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(15, lines.Count(l => Success().IsMatch(l)));
        Assert.Equal(["1: 200, remaining 9", "10: 200, remaining 0"], new[] { lines[0], lines[9] });
    }

    [GeneratedRegex(@"^\d+: 200, remaining \d+$")]
    private static partial Regex Success();
}
