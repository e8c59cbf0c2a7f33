using System.IO.Compression;
namespace ErrorCatalog.Packages.Tests;

/// <summary>
/// The NuGet packages as a user gets them: a fresh project that references ErrorCatalog.AspNetCore alone compiles its
/// own errors.yaml, so the generator, YamlDotNet and the build files reach it through the core package's dependency.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageTests(PackageFeed package)
{
    private const string Program = """
        using System.Text;
        using Microsoft.AspNetCore.Http;
        using Shop.Errors;

        var error = ShopErrors.OutOfStock(3, "mug");
        var http = new DefaultHttpContext { TraceIdentifier = "r1" };
        var body = new MemoryStream();
        http.Response.Body = body;
        await error.ExecuteAsync(http);
        Console.WriteLine(Encoding.UTF8.GetString(body.ToArray()));
        """;

    [Fact]
    public void Package_HoldsGeneratorYamlDotNetAndBuildFiles()
    {
        // Act
        using var zip = ZipFile.OpenRead(package.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Contains("analyzers/dotnet/cs/ErrorCatalog.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/YamlDotNet.dll", entries);
        Assert.Contains("build/ErrorCatalog.props", entries);
        Assert.Contains("build/ErrorCatalog.targets", entries);
        Assert.Contains("buildTransitive/ErrorCatalog.props", entries);
        Assert.Contains("buildTransitive/ErrorCatalog.targets", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/ErrorCatalog.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("Generator.dll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConsumerOfPackage_BuildsAndWritesItsOwnError()
    {
        // Arrange
        var consumer = CreateConsumer(
            """
            namespace: Shop.Errors
            className: ShopErrors
            typeBase: https://shop.test/errors/
            errors:
              - code: OUT_OF_STOCK
                numericCode: 42
                status: 409
                title: Out of stock
                detail: "Only {left:int} left of {sku:string}."
            """,
            Program);

        // Act
        var build = await DotNetCli.RunAsync(consumer, "build", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await DotNetCli.RunAsync(consumer, "run", "--no-build");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            """{"type":"https://shop.test/errors/out-of-stock","title":"Out of stock","status":409,"detail":"Only 3 left of mug.","code":"OUT_OF_STOCK","numericCode":42,"requestId":"r1","left":3,"sku":"mug"}""",
            run.Output.Trim());
    }

    [Fact]
    public void AspNetCorePackage_DependsOnTheCoreWithItsGeneratorAndBuildFiles()
    {
        // Act
        using var zip = ZipFile.OpenRead(package.AspNetCorePackagePath);
        using var reader = new StreamReader(zip.GetEntry("ErrorCatalog.AspNetCore.nuspec")!.Open());
        var nuspec = reader.ReadToEnd();

        // Assert: one generator, from the core package (excluding Analyzers or Build would lose it).
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.Contains($"<dependency id=\"ErrorCatalog\" version=\"[{package.Version}]\" include=\"All\" />", nuspec, StringComparison.Ordinal);
        Assert.Contains("<frameworkReference name=\"Microsoft.AspNetCore.App\" />", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsumerOfCoreAlone_GetsItsCatalogWithoutAspNetCore()
    {
        // Arrange: a console app (no ASP.NET Core), as a client of the API would be.
        var consumer = CreateConsumer(
            """
            namespace: Shop.Errors
            className: ShopErrors
            errors:
              - code: OUT_OF_STOCK
                numericCode: 42
                status: 409
                title: Out of stock
                detail: "Only {left:int} left of {sku:string}."
            """,
            """
            using Shop.Errors;

            var entry = ShopErrors.Catalog.Find("OUT_OF_STOCK")!;
            Console.WriteLine($"{entry.Code} {entry.NumericCode} {entry.Status} {entry.Title}");
            Console.WriteLine(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)));
            """,
            packageId: "ErrorCatalog");

        // Act
        var build = await DotNetCli.RunAsync(consumer, "build", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await DotNetCli.RunAsync(consumer, "run", "--no-build");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("OUT_OF_STOCK 42 409 Out of stock\nFalse", run.Output.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ConsumerOfClientPackage_ReadsTheApisErrorWithTypedCodes_WithoutAspNetCore()
    {
        // Arrange: a console app with the API's published errors.yaml and ErrorCatalog.Client alone.
        var consumer = CreateConsumer(
            """
            namespace: Shop.Client
            errors:
              - code: RATE_LIMITED
                status: 429
                title: Rate limited
                detail: "You used {used:long} of {limit:long}."
                args:
                  retryAfter: seconds
                headers:
                  Retry-After: "{retryAfter}"
            """,
            """
            using System.Net;
            using ErrorCatalog.Client;
            using Microsoft.Extensions.DependencyInjection;
            using Shop.Client;

            using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent(
                    "{\"type\":\"about:blank\",\"title\":\"Rate limited\",\"status\":429,\"detail\":\"You used 10 of 10.\",\"code\":\"RATE_LIMITED\"}"),
            };
            response.Headers.Add("Retry-After", "42");
            var error = (await response.ReadCatalogErrorAsync(ApiErrors.Catalog))!;
            Console.WriteLine(ApiErrors.TryGetRateLimited(error, out var limited)
                ? $"{error.Code} {limited.Used}/{limited.Limit} {limited.RetryAfter!.Value.TotalSeconds}"
                : "not parsed");
            new ServiceCollection().AddHttpClient("api").AddCatalogResilienceHandler(ApiErrors.Catalog);
            Console.WriteLine(AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)));
            """,
            packageId: "ErrorCatalog.Client");

        // Act
        var build = await DotNetCli.RunAsync(consumer, "build", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await DotNetCli.RunAsync(consumer, "run", "--no-build");

        // Assert: the detail's and the header's placeholders, typed; no ASP.NET Core loaded.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("RATE_LIMITED 10/10 42\nFalse", run.Output.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ConsumerOfRedisPackage_RegistersTheStoreAndStartsWithoutRedisConfigured()
    {
        // Arrange: the Redis package alone brings the ASP.NET Core one (pinned to its version) and the Redis client.
        var consumer = CreateConsumer(
            """
            namespace: Shop.Errors
            errors:
              - code: OUT_OF_STOCK
                status: 409
                title: Out of stock
            """,
            """
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddApiErrorCatalog(o => o.Plans["free"] = new() { Unlimited = true }).AddApiErrorCatalogRedis();
            var app = builder.Build();
            app.UseApiErrorCatalog();
            await app.StartAsync();
            Console.WriteLine($"status {Shop.Errors.ApiErrors.OutOfStock().Status}");
            await app.StopAsync();
            """,
            packageId: "ErrorCatalog.Redis",
            sdk: "Microsoft.NET.Sdk.Web");

        // Act
        var build = await DotNetCli.RunAsync(consumer, "build", "--disable-build-servers");
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = await DotNetCli.RunAsync(consumer, "run", "--no-build", "--", "--urls", "http://127.0.0.1:0");

        // Assert: no Redis section, so it counts in memory and starts.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("status 409", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsumerWithMalformedCatalog_FailsBuildAtTheLine()
    {
        // Arrange
        var consumer = CreateConsumer(
            """
            errors:
              - code: A
                status: 400
                title: "never closed
            """,
            "Console.WriteLine();");

        // Act
        var build = await DotNetCli.RunAsync(consumer, "build", "--disable-build-servers");

        // Assert
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("errors.yaml(4,12): error EC0001", build.Output, StringComparison.Ordinal);
    }

    private string CreateConsumer(string errorsYaml, string program, string packageId = "ErrorCatalog.AspNetCore", string sdk = "Microsoft.NET.Sdk")
    {
        var directory = package.CreateProjectFolder("consumer");
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{packageId}" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "errors.yaml"), errorsYaml);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }
}
