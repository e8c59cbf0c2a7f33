using System.Collections.Concurrent;

namespace Proceeds.Paywalls;

/// <summary>Paywalls in memory, two seeded: <c>pw_acme_report</c> (acme) and <c>pw_globex_feed</c> (globex).</summary>
public sealed class PaywallStore
{
    /// <summary>The beta's paywalls per account.</summary>
    public const int BetaLimit = 10;

    private readonly ConcurrentDictionary<string, Paywall> _byId = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private readonly TimeProvider _time;

    /// <summary>Creates the store with its two seeded paywalls.</summary>
    public PaywallStore(TimeProvider time)
    {
        _time = time;
        var seeded = new DateTimeOffset(2025, 11, 3, 9, 30, 0, TimeSpan.Zero);
        Add(new Paywall("pw_acme_report", "premium-report", "Premium report", 2.50m, "0x52908400098527886E0F7030069857D2E4169EE7", "https://acme.example/report", seeded) { Owner = "acme" });
        Add(new Paywall("pw_globex_feed", "price-feed", "Price feed", 0.10m, "0x8617E340B3D01FA5F11F306F4090FD50E238070D", null, seeded) { Owner = "globex" });
    }

    /// <summary>The account's paywalls, oldest first.</summary>
    public IReadOnlyList<Paywall> List(string owner) =>
        [.. _byId.Values.Where(p => p.Owner == owner).OrderBy(static p => p.CreatedAt).ThenBy(static p => p.Id, StringComparer.Ordinal)];

    /// <summary>A paywall by id, whoever owns it.</summary>
    public Paywall? Find(string id) => _byId.TryGetValue(id, out var paywall) ? paywall : null;

    /// <summary>Creates a paywall, unless the account has one with the slug or has reached the beta limit.</summary>
    public CreateOutcome TryCreate(string owner, CreatePaywallRequest request, out Paywall? created)
    {
        lock (_write)
        {
            created = null;
            var mine = _byId.Values.Where(p => p.Owner == owner).ToList();
            if (mine.Any(p => p.Slug == request.Slug))
            {
                return CreateOutcome.SlugExists;
            }

            if (mine.Count >= BetaLimit)
            {
                return CreateOutcome.BetaLimit;
            }

            created = new Paywall(
                "pw_" + Guid.CreateVersion7().ToString("N")[..20],
                request.Slug!,
                request.Name!,
                request.PriceUsd,
                request.Wallet!,
                request.TargetUrl,
                _time.GetUtcNow(),
                request.ServiceId) { Owner = owner };
            Add(created);
            return CreateOutcome.Created;
        }
    }

    private void Add(Paywall paywall) => _byId[paywall.Id] = paywall;
}

/// <summary>What <see cref="PaywallStore.TryCreate"/> did.</summary>
public enum CreateOutcome
{
    /// <summary>Created.</summary>
    Created,
    /// <summary>The account already has a paywall with the slug.</summary>
    SlugExists,
    /// <summary>The account has <see cref="PaywallStore.BetaLimit"/> paywalls.</summary>
    BetaLimit,
}
