using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// A real redis-server (Debian package) on 127.0.0.1 and a free port, started by the test and stopped after it;
/// optionally with an append-only file in its own directory so data survives a restart.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
