using System.Net;
using System.Net.Sockets;

namespace Proceeds.Paywalls;

/// <summary>Checks the framework's validation leaves to the API: wallet format and where a target URL points.</summary>
internal static class PaywallRules
{
    /// <summary>An EVM address: 0x and 40 hex digits.</summary>
    public static bool IsWallet(string wallet) =>
        wallet.Length == 42 && wallet.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && wallet.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    /// <summary>The host of a URL that targets this machine or a private network (no DNS lookup: literals and localhost).</summary>
    public static string? BlockedHost(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var host = uri.IdnHost;
        if (uri.IsLoopback || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return host;
        }

        return IPAddress.TryParse(host, out var address) && IsPrivate(address) ? host : null;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || IPAddress.IPv6Any.Equals(address);
        }

        return Private.Any(network => network.Contains(address));
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
    ];
}
