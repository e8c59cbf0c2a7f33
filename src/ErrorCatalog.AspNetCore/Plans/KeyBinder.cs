using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>Binds a key to its plan's limits (with its own and its subscription's permits), its networks and its principal.</summary>
internal static class KeyBinder
{
    private const string NotAnAddress = "is neither an IP address nor a CIDR range (IPv4 written as four decimal numbers, such as 10.0.0.0/8)";

    /// <summary>The key as requests use it, or null when it must be refused; <paramref name="errors"/> (when given) collects what is wrong with it.</summary>
    public static ResolvedKey? Bind(ApiKeyRecord record, Plan plan, SubscriptionOptions? subscription, ApiKeyState state, List<string>? errors, string? path)
    {
        var networks = new List<IPNetwork>();
        for (var i = 0; i < record.AllowedIps.Count; i++)
        {
            var allowed = record.AllowedIps[i];
            if (ParseNetwork(allowed, out var network) is { } problem)
            {
                errors?.Add($"{path}:AllowedIps:{i} '{allowed}' {problem}.");
            }
            else
            {
                networks.Add(network);
            }
        }

        // No network left would mean no restriction: a key meant for some IPs must not work from every IP.
        if (record.AllowedIps.Count > 0 && networks.Count == 0)
        {
            errors?.Add($"{path}: key '{record.Id}' has AllowedIps but none is an IP address or network, so it is refused rather than allowed from any IP.");
            return null;
        }

        if (errors is not null)
        {
            CheckOwnLimits(record, plan, errors, path);
        }

        return new ResolvedKey
        {
            Record = record,
            Plan = plan,
            SubscriptionId = record.SubscriptionId,
            State = state,
            Scopes = record.Scopes.ToFrozenSet(StringComparer.Ordinal),
            AllowedNetworks = [.. networks],
            Limits = Limits(record, plan, subscription),
            Principal = Principal(record, plan),
        };
    }

    private static void CheckOwnLimits(ApiKeyRecord record, Plan plan, List<string> errors, string? path)
    {
        foreach (var (name, permit) in record.Limits)
        {
            SettingChecks.CheckRange(permit, 0, SettingBounds.MaxPermit, $"{path}:Limits:{name}", errors);
        }

        foreach (var name in record.Limits.Keys)
        {
            if (!plan.Limits.Any(l => l.Name == name))
            {
                errors.Add($"{path}:Limits:{name} names no limit of plan '{plan.Name}'.");
            }
        }
    }

    private static LimitEntry[] Limits(ApiKeyRecord record, Plan plan, SubscriptionOptions? subscription)
    {
        var limits = new List<LimitEntry>();
        var group = record.SubscriptionId ?? record.Id;
        foreach (var limit in plan.Limits)
        {
            if (limit.Scope == LimitScope.Subscription && record.SubscriptionId is { } sub)
            {
                limits.Add(SubscriptionEntry(limit, sub, subscription));

                // The key's own sub-limit within the subscription's total.
                if (record.Limits.TryGetValue(limit.Name, out var own))
                {
                    limits.Add(new LimitEntry(limit.AsKeySubLimit(own), record.Id, record.Id, new LimitEntrySlot(), group));
                }
            }
            else
            {
                var permit = record.Limits.TryGetValue(limit.Name, out var own) ? own : limit.PermitLimit;
                limits.Add(new LimitEntry(limit.WithPermit(permit), record.Id, record.Id, new LimitEntrySlot(), group));
            }
        }

        return [.. limits];
    }

    /// <summary>A subscription-scoped limit bound to the subscription's shared counter, with its own permit where it sets one.</summary>
    public static LimitEntry SubscriptionEntry(LimitDefinition limit, string subscriptionId, SubscriptionOptions? subscription)
    {
        var permit = subscription?.Limits.TryGetValue(limit.Name, out var own) == true ? own : limit.PermitLimit;
        return new LimitEntry(limit.WithPermit(permit), subscriptionId, subscriptionId, new LimitEntrySlot(), subscriptionId);
    }

    private static SharedKeyPrincipal Principal(ApiKeyRecord record, Plan plan)
    {
        var claims = new List<Claim>
        {
            new(ApiKeyDefaults.KeyIdClaimType, record.Id),
            new(ApiKeyDefaults.PlanClaimType, plan.Name),
        };
        if (record.SubscriptionId is not null)
        {
            claims.Add(new Claim(ApiKeyDefaults.SubscriptionClaimType, record.SubscriptionId));
        }

        claims.AddRange(record.Scopes.Select(s => new Claim(ApiKeyDefaults.ScopeClaimType, s)));
        return new SharedKeyPrincipal(new SharedKeyIdentity(claims));
    }

    /// <summary>
    /// An address (a network of one) or CIDR range; null, or what is wrong with it. IPv4 must be canonical dotted
    /// decimal, since the parser also takes inet_aton forms (<c>10.1</c> is 10.0.0.1), and a range must not set bits
    /// past its prefix (<c>10.0.0.1/8</c> could mean one host or the whole range).
    /// </summary>
    private static string? ParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return NotAnAddress;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && address.ToString() != addressText))
        {
            return NotAnAddress;
        }

        if (slash < 0)
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return null;
        }

        if (!IPNetwork.TryParse(text, out network))
        {
            return NotAnAddress;
        }

        return network.BaseAddress.Equals(address)
            ? null
            : $"has bits set past its /{network.PrefixLength} prefix; write the range as {network} or the address alone";
    }
}
