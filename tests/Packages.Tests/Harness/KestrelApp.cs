using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace ErrorCatalog.Packages.Tests.Harness;

/// <summary>
/// A built app started as its user would start it (<c>dotnet App.dll</c> in the project folder, so appsettings.json
/// is read from there) on a free port of 127.0.0.1 on real Kestrel, stopped on dispose.
/// </summary>
internal sealed partial class KestrelApp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private KestrelApp(Process process) => _process = process;

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the app (with <paramref name="arguments"/> after its own, such as configuration overrides); returns once
    /// it listens, or no app and its output when it exits first.
    /// </summary>
    public static async Task<(KestrelApp? App, string Output)> StartAsync(string projectDirectory, string assemblyPath, params string[] arguments)
    {
        var start = DotNetCli.StartInfo(projectDirectory, [assemblyPath, "--urls", "http://127.0.0.1:0", .. arguments]);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var app = new KestrelApp(new Process { StartInfo = start });
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (app._output)
            {
                app._output.AppendLine(line);
            }

            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }

        app._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();

        var exited = app._process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(StartTimeout));
        if (first == listening.Task)
        {
            app.Client.BaseAddress = await listening.Task;
            return (app, app.Output);
        }

        if (first == exited)
        {
            // Let the last lines of output arrive before reading them.
            app._process.WaitForExit();
            var output = $"exit code {app._process.ExitCode}:\n{app.Output}";
            await app.DisposeAsync();
            return (null, output);
        }

        var partial = app.Output;
        await app.DisposeAsync();
        throw new TimeoutException($"The app neither listened nor exited in {StartTimeout}:\n{partial}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex Listening();
}
