using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// A real Redis Cluster of three primaries and no replicas (Debian redis-server, 127.0.0.1, free ports), created with
/// <c>redis-cli --cluster create</c>; each node runs from its own directory with its nodes.conf and an append-only
/// file fsynced on every write, so a killed node restarts with its identity and its keys. Stopped and deleted on dispose.
/// </summary>
internal sealed class RedisCluster : IAsyncDisposable
{
    public const int SlotCount = 16384;

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    // Which node serves each slot: only this fixture moves slots (there are no replicas to fail over to).
    private readonly RedisClusterNode[] _owners = new RedisClusterNode[SlotCount];
    private readonly string _directory;

    private RedisCluster(string directory, IReadOnlyList<RedisClusterNode> nodes)
    {
        _directory = directory;
        Nodes = nodes;
    }

    /// <summary>The three primaries, in port order of creation.</summary>
    public IReadOnlyList<RedisClusterNode> Nodes { get; }

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(',', Nodes.Select(n => n.Endpoint));

    /// <summary>Starts three nodes, joins them into one cluster with every slot assigned, and waits until all say ok.</summary>
    public static async Task<RedisCluster> StartAsync(int nodeTimeoutMilliseconds = 2000)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ec-redis-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var nodes = new List<RedisClusterNode>();
        var cluster = new RedisCluster(directory, nodes);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await RedisClusterNode.StartAsync(Path.Combine(directory, "node" + i), nodeTimeoutMilliseconds, nodes.Select(n => n.Port)));
            }

            var create = await RunAsync("redis-cli", ["--cluster", "create", .. nodes.Select(n => n.Endpoint), "--cluster-replicas", "0", "--cluster-yes"]);
            if (!create.Contains("[OK] All 16384 slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("redis-cli --cluster create failed:\n" + create);
            }

            foreach (var node in nodes)
            {
                node.Id = (await node.CliAsync("CLUSTER", "MYID")).Trim();
            }

            await cluster.WaitUntilOkAsync();
            await cluster.ReadOwnersAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node serving a slot.</summary>
    public RedisClusterNode OwnerOf(int slot) => _owners[slot];

    /// <summary>The node serving a key.</summary>
    public RedisClusterNode OwnerOf(string key) => _owners[Slot(key)];

    /// <summary>The slots a node serves, ascending.</summary>
    public IReadOnlyList<int> SlotsOf(RedisClusterNode node) => [.. Enumerable.Range(0, SlotCount).Where(s => _owners[s] == node)];

    /// <summary>Kills a node at once, as a crash would (its append-only file is fsynced on every write).</summary>
    public void Kill(RedisClusterNode node)
    {
        if (!Nodes.Contains(node))
        {
            throw new ArgumentException($"{node} is not a node of this cluster", nameof(node));
        }

        node.Kill();
    }

    /// <summary>Starts a killed node again from its own directory (nodes.conf, append-only file) and waits until the cluster is ok.</summary>
    public async Task RestartAsync(RedisClusterNode node)
    {
        await node.StartAsync();
        await WaitUntilOkAsync();
    }

    /// <summary>
    /// Moves a slot to another primary live, as an operator resharding does: the target imports and the source
    /// migrates (clients are sent ASK for the keys already moved), the keys go over in batches with MIGRATE, then
    /// every node is told the slot's new owner (the target first, so it never refuses its own slot).
    /// </summary>
    public async Task MigrateSlotAsync(int slot, RedisClusterNode to)
    {
        var from = _owners[slot];
        if (from == to)
        {
            return;
        }

        var number = slot.ToString(CultureInfo.InvariantCulture);
        Expect("OK", await to.CliAsync("CLUSTER", "SETSLOT", number, "IMPORTING", from.Id));
        Expect("OK", await from.CliAsync("CLUSTER", "SETSLOT", number, "MIGRATING", to.Id));
        while (true)
        {
            var keys = Lines(await from.CliAsync("CLUSTER", "GETKEYSINSLOT", number, "100"));
            if (keys.Length == 0)
            {
                break;
            }

            var moved = (await from.CliAsync(["MIGRATE", "127.0.0.1", to.Port.ToString(CultureInfo.InvariantCulture), "", "0", "5000", "KEYS", .. keys])).Trim();
            if (moved is not ("OK" or "NOKEY"))
            {
                throw new InvalidOperationException($"MIGRATE of slot {slot} from {from.Endpoint} to {to.Endpoint} answered: {moved}");
            }
        }

        foreach (var node in Nodes.OrderBy(n => n == to ? 0 : n == from ? 1 : 2))
        {
            Expect("OK", await node.CliAsync("CLUSTER", "SETSLOT", number, "NODE", to.Id));
        }

        _owners[slot] = to;
        await WaitUntilOkAsync();
    }

    /// <summary>Waits until every running node says cluster_state:ok, knows all three nodes and sees all slots served.</summary>
    public async Task WaitUntilOkAsync()
    {
        var watch = Stopwatch.StartNew();
        var infos = new List<string>();
        while (watch.Elapsed < WaitLimit)
        {
            infos.Clear();
            foreach (var node in Nodes)
            {
                infos.Add(await node.CliAsync("CLUSTER", "INFO"));
            }

            if (infos.All(IsOk))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"the cluster was not ok within {WaitLimit.TotalSeconds} s:\n" + string.Join("\n", infos));

        static bool IsOk(string info) => info.Contains("cluster_state:ok", StringComparison.Ordinal)
            && info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal)
            && info.Contains("cluster_known_nodes:3", StringComparison.Ordinal);
    }

    /// <summary>The hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag (the text between the first '{' and the next '}', if not empty), mod 16384.</summary>
    public static int Slot(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key).AsSpan();
        var open = bytes.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = bytes[(open + 1)..].IndexOf((byte)'}');
            if (close > 0)
            {
                bytes = bytes.Slice(open + 1, close);
            }
        }

        ushort crc = 0;
        foreach (var b in bytes)
        {
            crc ^= (ushort)(b << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % SlotCount;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        await Task.Yield();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs a program and returns what it wrote to standard output.</summary>
    internal static async Task<string> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + await error;
    }

    internal static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void Expect(string expected, string output)
    {
        if (output.Trim() != expected)
        {
            throw new InvalidOperationException($"expected {expected}, Redis answered: {output}");
        }
    }

    /// <summary>Reads which node serves each slot from CLUSTER NODES (per line: id, address, flags, ..., then its slots and ranges).</summary>
    private async Task ReadOwnersAsync()
    {
        var lines = Lines(await Nodes[0].CliAsync("CLUSTER", "NODES"));
        foreach (var fields in lines.Select(l => l.Split(' ')))
        {
            var node = Nodes.Single(n => n.Id == fields[0]);
            foreach (var range in fields.Skip(8).Where(f => !f.StartsWith('[')))
            {
                var bounds = range.Split('-').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                for (var slot = bounds[0]; slot <= bounds[^1]; slot++)
                {
                    _owners[slot] = node;
                }
            }
        }

        if (Array.IndexOf(_owners, null) is var missing and >= 0)
        {
            throw new InvalidOperationException($"slot {missing} has no owner in CLUSTER NODES:\n" + string.Join("\n", lines));
        }
    }
}
