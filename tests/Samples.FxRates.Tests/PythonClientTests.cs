using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Samples.FxRates.Tests.FxRatesHost;

namespace Samples.FxRates.Tests;

/// <summary>
/// A real client in another language: client/fx_client.py (Python 3, urllib) follows the page's retry advice
/// against the sample on Kestrel (127.0.0.1, a free port, the real clock), with windows made short by configuration.
/// </summary>
public sealed class PythonClientTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task On429_ClientSleepsRetryAfter_ThenGetsAll200s()
    {
        // The free tier at 3 requests per 2-second window: 8 requests meet several 429s.
        await using var server = new FxRatesHost((FakeTimeProvider?)null, new Dictionary<string, string?>
        {
            ["ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit"] = "3",
            ["ApiErrorCatalog:Plans:free:Limits:minute:Window"] = "00:00:02",
            ["ApiErrorCatalog:Plans:free:Limits:minute:Description"] = "3 req/2s",
        });
        var baseAddress = StartKestrel(server);

        var (exitCode, events, stderr) = await RunClientAsync(baseAddress, FreeKey, "/v1/rates/live?pair=EURUSD", count: 8);

        Assert.True(exitCode == 0, $"fx_client.py exited with {exitCode}: {stderr}");
        var responses = events.Where(e => e.GetProperty("event").GetString() == "response").ToList();
        var refusals = responses.Where(r => r.GetProperty("status").GetInt32() == 429).ToList();
        Assert.NotEmpty(refusals);
        foreach (var refusal in refusals)
        {
            Assert.Equal("rate_limit_exceeded", refusal.GetProperty("error").GetString());
            var retryAfter = int.Parse(refusal.GetProperty("retry_after").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 2);

            // The next attempt of the same request came at least Retry-After seconds later, and was admitted.
            var next = NextAttempt(responses, refusal);
            var waited = next.GetProperty("sent").GetDouble() - refusal.GetProperty("received").GetDouble();
            Assert.True(waited >= retryAfter, $"waited {waited:F3} s after Retry-After: {retryAfter}");
            Assert.Equal(200, next.GetProperty("status").GetInt32());
        }

        Assert.Equal(8, responses.Count(r => r.GetProperty("status").GetInt32() == 200));
        var done = events.Where(e => e.GetProperty("event").GetString() == "done").ToList();
        Assert.Equal(8, done.Count);
        Assert.All(done, d => Assert.True(d.GetProperty("ok").GetBoolean(), d.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task On503_ClientBacksOffExponentially_UntilTheDataIsFresh()
    {
        // The borsa collector (USDTRY) is down as the app starts and recovers 6 s later: the client, whose first
        // attempt comes within a few seconds of the start even on a busy machine, meets at least two 503s (attempts
        // at t, t+1, t+3, t+7... by its backoff of 1, 2, 4 s) and then a 200.
        await using var server = new FxRatesHost((FakeTimeProvider?)null, new Dictionary<string, string?>
        {
            ["FxRates:Outages:borsa:RecoversAfter"] = "00:00:06",
        });
        var baseAddress = StartKestrel(server);

        var (exitCode, events, stderr) = await RunClientAsync(baseAddress, ProKey, "/v1/rates/live?pair=USDTRY", count: 1);

        Assert.True(exitCode == 0, $"fx_client.py exited with {exitCode}: {stderr}");
        var responses = events.Where(e => e.GetProperty("event").GetString() == "response").ToList();
        var unavailable = responses.Where(r => r.GetProperty("status").GetInt32() == 503).ToList();
        Assert.True(unavailable.Count >= 2, $"expected at least two 503s before recovery, got {unavailable.Count}");
        foreach (var refusal in unavailable)
        {
            Assert.Equal("stale_data", refusal.GetProperty("error").GetString());
            Assert.Equal("60", refusal.GetProperty("retry_after").GetString());

            // The page's backoff for 503: 2 ** attempt seconds (1, 2, 4, ...), not the server's Retry-After.
            var attempt = refusal.GetProperty("attempt").GetInt32();
            var next = NextAttempt(responses, refusal);
            var waited = next.GetProperty("sent").GetDouble() - refusal.GetProperty("received").GetDouble();
            Assert.True(waited >= 1 << attempt, $"attempt {attempt}: waited {waited:F3} s, expected at least {1 << attempt}");
            Assert.True(waited < (1 << attempt) + 10, $"attempt {attempt}: waited {waited:F3} s, expected about {1 << attempt}, not Retry-After");
        }

        var sleeps = events.Where(e => e.GetProperty("event").GetString() == "sleep").Select(e => e.GetProperty("seconds").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, sleeps.Count).Select(a => 1 << a), sleeps);
        Assert.Equal(200, responses[^1].GetProperty("status").GetInt32());
        Assert.True(Assert.Single(events, e => e.GetProperty("event").GetString() == "done").GetProperty("ok").GetBoolean());
    }

    /// <summary>Starts the sample on Kestrel at 127.0.0.1 and a free port; returns its base address.</summary>
    private static string StartKestrel(FxRatesHost server)
    {
        server.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        var addresses = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return Assert.Single(addresses);
    }

    private static JsonElement NextAttempt(List<JsonElement> responses, JsonElement response)
    {
        var request = response.GetProperty("request").GetInt32();
        var attempt = response.GetProperty("attempt").GetInt32();
        return responses.Single(r => r.GetProperty("request").GetInt32() == request && r.GetProperty("attempt").GetInt32() == attempt + 1);
    }

    /// <summary>Runs client/fx_client.py with python3; kills it after <see cref="ClientTimeout"/>.</summary>
    private static async Task<(int ExitCode, List<JsonElement> Events, string Stderr)> RunClientAsync(string baseAddress, string key, string path, int count)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "client", "fx_client.py"));
        start.ArgumentList.Add("--base");
        start.ArgumentList.Add(baseAddress);
        start.ArgumentList.Add("--key");
        start.ArgumentList.Add(key);
        start.ArgumentList.Add("--path");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("--count");
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClientTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"fx_client.py did not finish within {ClientTimeout.TotalSeconds} s. Output so far: {await stdout} {await stderr}");
        }

        var events = (await stdout)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
        return (process.ExitCode, events, await stderr);
    }
}
