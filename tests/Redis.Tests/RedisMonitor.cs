using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// Every command a redis-server runs, from MONITOR: who sent it (a client, or "lua" for a script's redis.call) and
/// its arguments. INFO commandstats counts a script's inner calls with the client's, so only MONITOR tells a ZREM
/// sent by the client from one run inside a script.
/// </summary>
internal sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly RedisServer _redis;

    private RedisMonitor(RedisServer redis, TcpClient client, StreamReader reader)
    {
        _redis = redis;
        _client = client;
        _reader = reader;
    }

    public static async Task<RedisMonitor> StartAsync(RedisServer redis)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = await reader.ReadLineAsync();
        if (ok != "+OK")
        {
            throw new InvalidOperationException($"MONITOR answered '{ok}'.");
        }

        return new RedisMonitor(redis, client, reader);
    }

    /// <summary>Sends a marker command and returns every command Redis ran before it, in order.</summary>
    public async Task<IReadOnlyList<Command>> StopAsync()
    {
        var marker = "monitor-end-" + Guid.NewGuid().ToString("N");
        await _redis.CliAsync("ECHO " + marker);
        var commands = new List<Command>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                return commands;
            }

            commands.Add(Command.Parse(line));
        }

        throw new InvalidOperationException("MONITOR ended before the marker.");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One MONITOR line: <c>+1712345678.123456 [0 127.0.0.1:40000] "EVALSHA" "…" …</c>, or <c>[0 lua]</c> inside a script.</summary>
    public sealed record Command(bool FromScript, string Name, IReadOnlyList<string> Arguments)
    {
        public static Command Parse(string line)
        {
            var source = line[(line.IndexOf('[') + 1)..line.IndexOf(']')];
            var parts = new List<string>();
            var text = new StringBuilder();
            var quoted = false;
            for (var i = line.IndexOf(']') + 1; i < line.Length; i++)
            {
                var c = line[i];
                if (!quoted)
                {
                    if (c == '"')
                    {
                        quoted = true;
                        text.Clear();
                    }
                }
                else if (c == '\\' && i + 1 < line.Length)
                {
                    // Redis escapes a binary argument's bytes (\xHH, \n, \r, \t, \a, \b, \" and \\); one char per byte.
                    var e = line[++i];
                    text.Append(e switch
                    {
                        'x' => (char)Convert.ToByte(line.Substring((i += 2) - 1, 2), 16),
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'a' => '\a',
                        'b' => '\b',
                        _ => e,
                    });
                }
                else if (c == '"')
                {
                    quoted = false;
                    parts.Add(text.ToString());
                }
                else
                {
                    text.Append(c);
                }
            }

            return new Command(source.EndsWith(" lua", StringComparison.Ordinal), parts[0].ToUpperInvariant(), parts.Skip(1).ToArray());
        }
    }
}
