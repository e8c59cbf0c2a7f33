using System.Globalization;
using ErrorCatalog.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Benchmarks;

/// <summary>
/// <c>-- memory [keys]</c>: the in-memory limiter's state per tracked key. One request decided for each of
/// 1,000,000 distinct keys through <see cref="InMemoryCounterStore"/>, <see cref="GC.GetTotalMemory(bool)"/> before
/// and after (the key ids themselves exist before: they belong to the key store, not the limiter). Two plans: the
/// accept path's (minute + month + credits + concurrency) and a single minute window. Then the clock moves on and
/// the store's own sweep timer runs: keys are held while a window of theirs lasts and reclaimed after.
/// </summary>
internal static class MemoryPerKey
{
    /// <summary>90 s before the month ends: every window of the plan (minute, day, month) ends within two minutes.</summary>
    private static readonly DateTimeOffset Start = new(2025, 3, 31, 23, 58, 30, TimeSpan.Zero);

    public static int Run(int keys)
    {
        var app = Apps.Catalog();
        var book = app.Services.GetRequiredService<CompiledOptions>().Book;
        var pro = book.Plans["pro"].Limits;
        var minute = book.Plans["pro"].Limits.Where(l => l.Name == "minute").ToArray();

        Console.WriteLine($"{keys:N0} distinct keys, one request each, in-memory store (retention 1 min)");
        var failed = Measure("minute + month + credits + concurrency", pro, keys, reclaim: true);
        failed |= Measure("minute only", minute, keys, reclaim: false);
        app.Services.Dispose();
        return failed ? 1 : 0;
    }

    private static bool Measure(string plan, LimitDefinition[] limits, int keys, bool reclaim)
    {
        var ids = new string[keys];
        for (var i = 0; i < keys; i++)
        {
            ids[i] = "key-" + i.ToString("D7", CultureInfo.InvariantCulture);
        }

        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryCounterStore(time, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var batch = store.CreateBatch();
        Decide(store, batch, limits, ids[0], time); // the store's own first-use allocations
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 1; i < keys; i++)
        {
            Decide(store, batch, limits, ids[i], time);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perKey = (double)(after - before) / (keys - 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"plan={plan.Replace(' ', '_')} keys={keys} counters={store.CounterCount} bytes_per_key={perKey:F1} bytes_per_counter={perKey / limits.Length:F1}"));

        if (!reclaim)
        {
            GC.KeepAlive(ids);
            return false;
        }

        // The minute windows end at 23:59:00, the day and month at 00:00:00; a counter idle for the retention
        // (1 min) after its last window ends is reclaimed by the sweep (every retention period).
        var held = new List<string>();
        foreach (var step in new[] { TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1) })
        {
            time.Advance(step);
            held.Add(string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():HH:mm:ss}Z: {store.CounterCount:N0} counters"));
        }

        var reclaimed = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine("  after the clock moves on (sweep every minute): " + string.Join("; ", held));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  reclaimed: counters={store.CounterCount} heap_vs_before={(double)(reclaimed - before) / (keys - 1):F1} B/key"));
        GC.KeepAlive(ids);
        return store.CounterCount != 0;
    }

    private static void Decide(InMemoryCounterStore store, CounterBatch batch, LimitDefinition[] limits, string id, TimeProvider time)
    {
        batch.Reset();
        batch.Now = time.GetUtcNow();
        foreach (var limit in limits)
        {
            batch.Add(new LimitEntry(limit, id, id), limit.Kind == LimitKind.Credits ? 5 : 1, overageAllowed: false);
        }

        if (!store.Acquire(batch))
        {
            throw new InvalidOperationException($"{id} was refused.");
        }

        store.Release(batch);
    }
}
