using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace ErrorCatalog.Client.Tests;

/// <summary>A scenario's numbers: calls the caller made, 429s on the wire, retries (wire calls beyond the caller's), wall time.</summary>
internal sealed class ScenarioReport(string name, Wire wire, ITestOutputHelper output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Calls { get; set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Write()
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"SCENARIO | {name} | calls {Calls} | wire {wire.Calls} | 429s on the wire {wire.Count(HttpStatusCode.TooManyRequests)} | retries {wire.Calls - Calls} | wall {_clock.Elapsed.TotalSeconds:F2} s");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
