using System.Text.Json;

namespace ErrorCatalog.Packages.Tests;

/// <summary>
/// A new user's first hour, from the documentation's own text: a fresh <c>dotnet new web</c> (or controllers) app, the
/// README's install line against the packed packages, the files the page shows, built and run on Kestrel; every curl
/// line of the page answers the status, code, headers and fields its comment says.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class GettingStartedTests(PackageFeed feed)
{
    private static readonly string Readme = Path.Combine(RepositoryRoot.Path, "README.md");

    [Fact]
    public async Task QuickStart_AnswersEveryCurlAsTheReadmeSays()
    {
        // Arrange
        var project = await CreateQuickStartAppAsync();

        // Act / Assert
        await AnswersEveryCurlAsync(project, Readme);
    }

    [Fact]
    public async Task ControllersQuickStart_AnswersEveryCurlAsItsPageSays()
    {
        // Arrange: the README's package, errors.yaml and settings, the controllers page's Program.cs and controller.
        // Without the template's OpenAPI package: the feed served here lacks the Microsoft.OpenApi version it asks for
        // (NU1603, an error under -warnaserror), which is the template's business, not this page's.
        var page = Path.Combine(RepositoryRoot.Path, "docs", "controllers.md");
        var project = await CreateAppAsync(
            ["webapi", "--use-controllers", "--no-openapi"],
            [
                ("errors.yaml", MarkdownCode.FileBlock(Readme, "errors.yaml")),
                ("appsettings.json", MarkdownCode.FileBlock(Readme, "appsettings.json")),
                ("Program.cs", MarkdownCode.FileBlock(page, "Program.cs")),
                ("Controllers/ThingsController.cs", MarkdownCode.FileBlock(page, "Controllers/ThingsController.cs")),
            ]);

        // Act / Assert: ActionResult<T> returning an ApiError, model validation, WWW-Authenticate, a plan-gated action.
        await AnswersEveryCurlAsync(project, page);
    }

    [Fact]
    public async Task QuickStart_WithTheDocsPage_TypeUrisOpenTheirEntries()
    {
        // Arrange: the quick start with the page mapped (the line added where the README does not have it yet).
        var project = await CreateQuickStartAppAsync(program => program.Contains("app.MapErrorCatalogDocs();", StringComparison.Ordinal)
            ? program
            : program.Replace("app.Run();", "app.MapErrorCatalogDocs();\napp.Run();", StringComparison.Ordinal));
        await using var app = await StartAsync(project);
        WaitUntilTheMinuteHasRoom(4);

        // Act: a refusal the app leaves to the default catalog, then the app's own minute limit.
        var missingType = await TypeOfAsync(app, null, 401);
        using (var first = await SendAsync(app, "/things/1", "free-key-123"))
        using (var second = await SendAsync(app, "/things/1", "free-key-123"))
        {
            Assert.Equal([200, 200], [(int)first.StatusCode, (int)second.StatusCode]);
        }

        var limitType = await TypeOfAsync(app, "free-key-123", 429);

        // Assert: each type opens its entry on the same server, with no key (an absolute typeBase's slug is served too).
        Assert.Equal("/errors/api-key-missing", missingType);
        await AssertSectionAsync(app, missingType, "API_KEY_MISSING");
        await AssertSectionAsync(app, limitType.StartsWith('/') ? limitType : new Uri(limitType).AbsolutePath, "SLOW_DOWN");
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
    private Task<string> CreateQuickStartAppAsync(Func<string, string>? editProgram = null)
    {
        var program = MarkdownCode.FileBlock(Readme, "Program.cs");
        return CreateAppAsync(
            ["web"],
            [
                ("errors.yaml", MarkdownCode.FileBlock(Readme, "errors.yaml")),
                ("appsettings.json", MarkdownCode.FileBlock(Readme, "appsettings.json")),
                ("Program.cs", editProgram is null ? program : editProgram(program)),
            ]);
    }

    private async Task<string> CreateAppAsync(string[] template, (string Path, string Text)[] files)
    {
        var project = feed.CreateProjectFolder("App1");
        var create = await DotNetCli.RunAsync(project, ["new", .. template, "-n", "App1", "-o", ".", "--no-restore"]);
        Assert.True(create.ExitCode == 0, create.ToString());

        var install = MarkdownCode.ShellLines(Readme, "dotnet add package").Single(l => l.StartsWith("dotnet add package", StringComparison.Ordinal));
        var add = await DotNetCli.RunAsync(project, install.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains(feed.Version, File.ReadAllText(Path.Combine(project, "App1.csproj")), StringComparison.Ordinal);

        foreach (var (path, text) in files)
        {
            var file = Path.Combine(project, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        var build = await DotNetCli.RunAsync(project, "build", "-c", "Release", "-warnaserror", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        return project;
    }

    /// <summary>Runs the page's curl lines in order, as a reader does, against the app on Kestrel.</summary>
    private static async Task AnswersEveryCurlAsync(string project, string page)
    {
        await using var app = await StartAsync(project);
        var curls = MarkdownCode.ShellLines(page, "curl ").Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).Select(CurlLine.Parse).ToList();
        Assert.True(curls.Count >= 4, $"The curl lines of {page} were not found.");
        WaitUntilTheMinuteHasRoom(curls.Count);
        foreach (var curl in curls)
        {
            using var request = curl.ToRequest(app.Client.BaseAddress!);
            using var response = await app.Client.SendAsync(request);
            await curl.AssertAnsweredAsync(response);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(KestrelApp app, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        return await app.Client.SendAsync(request);
    }

    /// <summary>The <c>type</c> of the body answering <c>/things/1</c> with <paramref name="key"/>, which must have <paramref name="status"/>.</summary>
    private static async Task<string> TypeOfAsync(KestrelApp app, string? key, int status)
    {
        using var response = await SendAsync(app, "/things/1", key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("type").GetString()!;
    }

    private static async Task AssertSectionAsync(KestrelApp app, string path, string code)
    {
        using var response = await SendAsync(app, path, key: null);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<h1>{code}</h1>", html, StringComparison.Ordinal);
    }

    private static async Task<KestrelApp> StartAsync(string project)
    {
        var (app, output) = await KestrelApp.StartAsync(project, Assembly(project));
        Assert.True(app is not null, output);
        return app;
    }

    private static string Assembly(string project) => Path.Combine(project, "bin", "Release", "net10.0", "App1.dll");

    /// <summary>Fixed windows are aligned to the clock: start the sequence where the minute will not roll over.</summary>
    private static void WaitUntilTheMinuteHasRoom(int requests)
    {
        var now = DateTime.UtcNow;
        if (now.Second > 60 - Math.Max(10, requests))
        {
            Thread.Sleep(TimeSpan.FromSeconds(61 - now.Second));
        }
    }
}
