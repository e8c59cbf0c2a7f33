using System.Text.Json;
using System.Text.RegularExpressions;

namespace ErrorCatalog.Packages.Tests;

/// <summary>
/// A new user's first hour, from README.md's own text: a fresh <c>dotnet new web</c> app, the README's install line
/// against the packed packages, its three files, built and run on Kestrel; every curl line of the quick start
/// answers the status, code and headers its comment says.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed partial class GettingStartedTests(PackageFeed feed)
{
    private static readonly string Readme = Path.Combine(RepositoryRoot.Path, "README.md");

    [Fact]
    public async Task QuickStart_AnswersEveryCurlAsTheReadmeSays()
    {
        // Arrange
        var project = await CreateQuickStartAppAsync();
        await using var app = await StartAsync(project);
        var curls = MarkdownCode.ShellLines(Readme, "curl ").Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        Assert.True(curls.Count >= 5, "The quick start's curl lines were not found.");
        WaitUntilTheMinuteHasRoom(curls.Count);

        // Act / Assert: each line in order, as a reader runs them.
        foreach (var line in curls)
        {
            var curl = Curl().Match(line);
            Assert.True(curl.Success, $"Unreadable quick-start line: {line}");
            using var request = new HttpRequestMessage(HttpMethod.Get, ToAppUri(app.Client, curl.Groups["url"].Value));
            if (curl.Groups["header"].Success)
            {
                var header = curl.Groups["header"].Value.Split(':', 2, StringSplitOptions.TrimEntries);
                request.Headers.Add(header[0], header[1]);
            }

            using var response = await app.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var context = $"{line}\n-> {(int)response.StatusCode}\n{response.Headers}{body}";
            Assert.True(int.Parse(curl.Groups["status"].Value) == (int)response.StatusCode, context);
            if (curl.Groups["code"].Success)
            {
                Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("code").GetString() == curl.Groups["code"].Value, context);
            }

            foreach (Match expected in ExpectedHeader().Matches(curl.Groups["comment"].Value))
            {
                Assert.True(response.Headers.TryGetValues(expected.Groups["name"].Value, out var values), context);
                if (expected.Groups["value"].Success)
                {
                    Assert.True(expected.Groups["value"].Value == values.Single(), context);
                }
            }
        }
    }

    [Fact]
    public async Task QuickStart_WithTheMiddlewareBeforeRouting_StillRefusesThePlanGatedEndpoint()
    {
        // Arrange: the mistake the README warns about, made in a copy of the quick start.
        var project = await CreateQuickStartAppAsync(program => program
            .Replace("app.UseRouting();\napp.UseApiErrorCatalog();", "app.UseApiErrorCatalog();\napp.UseRouting();", StringComparison.Ordinal));
        Assert.Contains("app.UseApiErrorCatalog();\napp.UseRouting();", File.ReadAllText(Path.Combine(project, "Program.cs")).ReplaceLineEndings("\n"), StringComparison.Ordinal);

        // Act
        var (app, output) = await KestrelApp.StartAsync(project, Assembly(project));

        // Assert: either the plan is enforced anyway, or start-up says what to move; never a 200.
        if (app is null)
        {
            Assert.Contains("UseRouting", output, StringComparison.Ordinal);
            return;
        }

        await using (app)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/reports") { Headers = { { "X-API-Key", "free-key-123" } } };
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal("API_KEY_PLAN_NOT_AUTHORIZED", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task QuickStart_WithAMisspeltSetting_FailsAtStartUpNamingIt()
    {
        // Arrange
        var project = await CreateQuickStartAppAsync();
        var settings = Path.Combine(project, "appsettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"PermitLimit\": 2", "\"PermitLimt\": 2", StringComparison.Ordinal));

        // Act
        var (app, output) = await KestrelApp.StartAsync(project, Assembly(project));

        // Assert
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        Assert.True(app is null, "The app started with PermitLimt in its settings.");
        Assert.Contains("PermitLimt", output, StringComparison.Ordinal);
        Assert.Contains("ApiErrorCatalog:Plans:free:Limits:minute", output, StringComparison.Ordinal);
    }

    /// <summary><c>dotnet new web -n App1</c>, the README's install line, its three files, built with warnings as errors.</summary>
    private async Task<string> CreateQuickStartAppAsync(Func<string, string>? editProgram = null)
    {
        var project = feed.CreateProjectFolder("App1");
        var create = await DotNetCli.RunAsync(project, "new", "web", "-n", "App1", "-o", ".", "--no-restore");
        Assert.True(create.ExitCode == 0, create.ToString());

        var install = MarkdownCode.ShellLines(Readme, "dotnet add package").Single(l => l.StartsWith("dotnet add package", StringComparison.Ordinal));
        var add = await DotNetCli.RunAsync(project, install.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains(feed.Version, File.ReadAllText(Path.Combine(project, "App1.csproj")), StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(project, "errors.yaml"), MarkdownCode.FileBlock(Readme, "errors.yaml"));
        File.WriteAllText(Path.Combine(project, "appsettings.json"), MarkdownCode.FileBlock(Readme, "appsettings.json"));
        var program = MarkdownCode.FileBlock(Readme, "Program.cs");
        File.WriteAllText(Path.Combine(project, "Program.cs"), editProgram is null ? program : editProgram(program));

        var build = await DotNetCli.RunAsync(project, "build", "-c", "Release", "-warnaserror", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        return project;
    }

    private static async Task<KestrelApp> StartAsync(string project)
    {
        var (app, output) = await KestrelApp.StartAsync(project, Assembly(project));
        Assert.True(app is not null, output);
        return app;
    }

    private static string Assembly(string project) => Path.Combine(project, "bin", "Release", "net10.0", "App1.dll");

    private static Uri ToAppUri(HttpClient client, string readmeUrl) => new(client.BaseAddress!, new Uri(readmeUrl).PathAndQuery);

    /// <summary>Fixed windows are aligned to the clock: start the sequence where the minute will not roll over.</summary>
    private static void WaitUntilTheMinuteHasRoom(int requests)
    {
        var now = DateTime.UtcNow;
        if (now.Second > 60 - Math.Max(10, requests))
        {
            Thread.Sleep(TimeSpan.FromSeconds(61 - now.Second));
        }
    }

    // curl -i [-H "Name: value"] URL    # STATUS [CODE] [comment with Header-Name: value pairs]
    [GeneratedRegex(@"^curl -i(?: -H ""(?<header>[^""]+)"")? (?<url>\S+)\s+#\s*(?<status>\d{3})(?: (?<code>[A-Z][A-Z0-9_]{2,}))?(?<comment>.*)$")]
    private static partial Regex Curl();

    [GeneratedRegex(@"(?<name>X-[A-Za-z-]+|Retry-After)(?:: (?<value>\d+))?")]
    private static partial Regex ExpectedHeader();
}
