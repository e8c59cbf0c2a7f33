using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A key invalidation as a pub/sub message: <c>h:</c> and a key's hash, <c>k:</c> and a key id, <c>s:</c> and a
/// subscription id, or <c>*</c> for all. A message this version cannot read means all, which is never wrong.
/// </summary>
internal static class RedisKeyInvalidationMessage
{
    private const string All = "*";

    public static RedisValue Write(in KeyInvalidation invalidation) => invalidation.Kind switch
    {
        KeyInvalidationKind.Hash => "h:" + invalidation.Hash.ToString(),
        KeyInvalidationKind.KeyId => "k:" + invalidation.Value,
        KeyInvalidationKind.Subscription => "s:" + invalidation.Value,
        _ => All,
    };

    public static KeyInvalidation Read(RedisValue message)
    {
        var text = (string?)message;
        if (text is { Length: > 2 } && text[1] == ':')
        {
            var value = text[2..];
            switch (text[0])
            {
                case 'h' when ApiKeyHash.TryParse(value, out var hash):
                    return KeyInvalidation.ForHash(hash);
                case 'k':
                    return KeyInvalidation.ForKeyId(value);
                case 's':
                    return KeyInvalidation.ForSubscription(value);
            }
        }

        return KeyInvalidation.All;
    }

    public static bool IsAll(RedisValue message) => (string?)message == All;
}
