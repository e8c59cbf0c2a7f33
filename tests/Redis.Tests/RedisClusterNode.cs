using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>One primary of a <see cref="RedisCluster"/>: its port (its cluster bus is port + 10000), id and directory.</summary>
internal sealed class RedisClusterNode : IDisposable
{
    private readonly int _nodeTimeout;
    private Process? _process;

    private RedisClusterNode(string directory, int port, int nodeTimeout)
    {
        Directory = directory;
        Port = port;
        _nodeTimeout = nodeTimeout;
    }

    public int Port { get; }

    /// <summary>The node's id in the cluster (CLUSTER MYID), kept across restarts by its nodes.conf.</summary>
    public string Id { get; internal set; } = "";

    public string Directory { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public override string ToString() => Endpoint;

    /// <summary>Starts a node on a free port whose bus port (+10000) is free too; another pick if it loses a race for either.</summary>
    internal static async Task<RedisClusterNode> StartAsync(string directory, int nodeTimeout, IEnumerable<int> taken)
    {
        System.IO.Directory.CreateDirectory(directory);
        for (var attempt = 1; ; attempt++)
        {
            var node = new RedisClusterNode(directory, FreePort(taken), nodeTimeout);
            try
            {
                await node.StartAsync();
                return node;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                node.Dispose();
                File.Delete(Path.Combine(directory, "nodes.conf"));
            }
        }
    }

    internal async Task StartAsync()
    {
        var log = Path.Combine(Directory, "redis.log");
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--logfile", log,
            "--daemonize", "no", "--protected-mode", "yes", "--save", "",
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", _nodeTimeout.ToString(CultureInfo.InvariantCulture),
            "--appendonly", "yes", "--appendfsync", "always"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (is the Debian package installed?)");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                break;
            }

            // The answer must be this process's: another test run's node may hold the port this one failed to bind.
            if ((await CliAsync("PING")).Trim() == "PONG")
            {
                if ((await CliAsync("INFO", "server")).Split('\n').Any(line => line.Trim() == $"process_id:{_process.Id}"))
                {
                    return;
                }

                break;
            }

            await Task.Delay(50);
        }

        var tail = File.Exists(log) ? string.Join("\n", File.ReadLines(log).TakeLast(10)) : "";
        Kill();
        throw new InvalidOperationException($"redis-server did not answer on port {Port} within 10 s:\n{tail}");
    }

    /// <summary>Runs one command with redis-cli on this node (no redirects followed) and returns its raw output.</summary>
    public Task<string> CliAsync(params string[] command) =>
        RedisCluster.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), .. command]);

    internal void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    /// <summary>
    /// A port below the kernel's default ephemeral range (32768 up) whose bus port (+10000) is below it too, so
    /// neither can be one the kernel hands to a standalone test server or a client socket between this check and the
    /// node's start.
    /// </summary>
    private static int FreePort(IEnumerable<int> taken)
    {
        while (true)
        {
            var port = Random.Shared.Next(20000, 22768);
            if (!taken.Contains(port) && !taken.Contains(port + 10000) && !taken.Contains(port - 10000) && IsFree(port) && IsFree(port + 10000))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
