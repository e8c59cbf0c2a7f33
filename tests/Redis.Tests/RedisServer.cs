using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// A real redis-server (Debian package) on 127.0.0.1 and a free port, started by the test and stopped after it;
/// optionally with an append-only file in its own directory so data survives a restart.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly bool _appendOnly;
    private Process? _process;

    private RedisServer(bool appendOnly)
    {
        _appendOnly = appendOnly;
        Port = FreePort();
        Directory = Path.Combine(Path.GetTempPath(), "ec-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public int Port { get; }

    public string Directory { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var server = new RedisServer(appendOnly);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var arguments = $"--port {Port} --bind 127.0.0.1 --dir {Directory} --save \"\" --daemonize no --protected-mode yes "
            + (_appendOnly ? "--appendonly yes --appendfsync always" : "--appendonly no");
        _process = Process.Start(new ProcessStartInfo("redis-server", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (is the Debian package installed?)");
        _process.OutputDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not answer on port {Port} within 10 s.");
    }

    /// <summary>Kills the server at once, as a crash would (the append-only file is fsynced on every write).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// Suspends the server (SIGSTOP), as a hung or swapped-out Redis: the kernel still accepts its connections and
    /// buffers what clients send, but nothing is answered until <see cref="Resume"/>.
    /// </summary>
    public void Pause() => Signal(SigStop, stopped: true);

    /// <summary>Resumes a paused server (SIGCONT); it then runs whatever its clients sent meanwhile.</summary>
    public void Resume() => Signal(SigCont, stopped: false);

    /// <summary>Runs redis-cli against this server and returns its output.</summary>
    public async Task<string> CliAsync(string arguments)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", $"-h 127.0.0.1 -p {Port} {arguments}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        // A test that failed while the server was paused: resumed first, so it does not linger stopped.
        try
        {
            if (_process is { HasExited: false })
            {
                Resume();
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // It exited meanwhile.
        }

        Kill();
        _process?.Dispose();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal and waits until /proc shows the process stopped (state T) or running again.</summary>
    private void Signal(int signal, bool stopped)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        if (SendSignal(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (IsStopped(pid) != stopped)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server (pid {pid}) did not {(stopped ? "stop" : "continue")} within 5 s.");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>The state letter of /proc/PID/stat (after the parenthesised name): T when stopped by a signal.</summary>
    private static bool IsStopped(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
