using System.Collections.Concurrent;

namespace Proceeds.Services;

/// <summary>Services in memory, one seeded: <c>svc_acme_reports</c> (acme).</summary>
public sealed class ServiceStore
{
    /// <summary>The beta's services per account; the next one is refused BETA_LIMIT_SERVICES.</summary>
    public const int BetaLimit = 3;

    private readonly ConcurrentDictionary<string, Service> _byId = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private readonly TimeProvider _time;

    /// <summary>Creates the store with its seeded service.</summary>
    public ServiceStore(TimeProvider time)
    {
        _time = time;
        var seeded = new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.Zero);
        _byId["svc_acme_reports"] = new Service("svc_acme_reports", "Reports", seeded) { Owner = "acme" };
    }

    /// <summary>Whether <paramref name="id"/> is a service of <paramref name="owner"/>.</summary>
    public bool IsOwnedBy(string id, string owner) => _byId.TryGetValue(id, out var service) && service.Owner == owner;

    /// <summary>Creates a service, unless the account has reached the beta limit (null then).</summary>
    public Service? TryCreate(string owner, CreateServiceRequest request)
    {
        lock (_write)
        {
            if (_byId.Values.Count(s => s.Owner == owner) >= BetaLimit)
            {
                return null;
            }

            var service = new Service("svc_" + Guid.CreateVersion7().ToString("N")[..20], request.Name!, _time.GetUtcNow()) { Owner = owner };
            _byId[service.Id] = service;
            return service;
        }
    }
}
