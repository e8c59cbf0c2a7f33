using System.Security.Cryptography;
using ErrorCatalog.Middleware;
using Proceeds.Health;

namespace Proceeds.Keys;

/// <summary>
/// The accounts' API keys, in the sample's in-memory database: seeded from <c>ApiErrorCatalog:ApiKeys</c> in
/// appsettings.json (hashes only) and added to or revoked through <c>/v1/keys</c>. As the app's
/// <see cref="IApiKeyStore"/> it is what every request's key is looked up in, so a key created here works at once
/// and a key revoked here is refused KEY_REVOKED from its next request.
/// </summary>
public sealed class AccountKeys : IApiKeyStore
{
    /// <summary>Keys an account may hold that are not revoked; the next one is refused KEY_LIMIT_REACHED.</summary>
    public const int MaxKeysPerAccount = 10;

    private readonly Dictionary<ApiKeyHash, ApiKeyRecord> _byHash = [];
    private readonly Dictionary<string, ApiKeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private readonly Database _database;

    /// <summary>Seeds the store with the configured keys.</summary>
    public AccountKeys(Database database, IConfiguration configuration)
    {
        _database = database;
        foreach (var key in configuration.GetSection("ApiErrorCatalog:ApiKeys").Get<List<ConfiguredApiKey>>() ?? [])
        {
            if (!ApiKeyHash.TryParse(key.Hash, out var hash))
            {
                throw new InvalidOperationException($"ApiErrorCatalog:ApiKeys: the key '{key.Id}' has no valid Hash.");
            }

            Add(hash, key);
        }
    }

    /// <inheritdoc />
    public ValueTask<ApiKeyRecord?> FindAsync(ApiKeyHash hash, CancellationToken cancellationToken)
    {
        if (!_database.IsAvailable)
        {
            throw new DatabaseUnavailableException();
        }

        lock (_write)
        {
            return new(_byHash.GetValueOrDefault(hash));
        }
    }

    /// <summary>Creates a key for <paramref name="account"/>; the key itself is returned once and kept only as its hash.</summary>
    public CreateKeyOutcome TryCreate(string account, IReadOnlyList<string> scopes, out CreatedKey? created)
    {
        created = null;
        lock (_write)
        {
            var held = 0;
            foreach (var record in _byHash.Values)
            {
                if (record.SubscriptionId == account && record.State != ApiKeyState.Revoked)
                {
                    held++;
                }
            }

            if (held >= MaxKeysPerAccount)
            {
                return CreateKeyOutcome.KeyLimitReached;
            }

            var key = "prc_live_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var id = "key_" + Guid.CreateVersion7().ToString("N")[..20];
            Add(ApiKeyHash.Compute(key), new ApiKeyRecord { Id = id, SubscriptionId = account, Scopes = [.. scopes] });
            created = new CreatedKey(id, key, scopes);
            return CreateKeyOutcome.Created;
        }
    }

    /// <summary>Revokes the account's key <paramref name="id"/>.</summary>
    public RevokeKeyOutcome Revoke(string account, string id)
    {
        lock (_write)
        {
            if (!_hashById.TryGetValue(id, out var hash))
            {
                return RevokeKeyOutcome.NotFound;
            }

            var record = _byHash[hash];
            if (record.SubscriptionId != account)
            {
                return RevokeKeyOutcome.NotOwner;
            }

            if (record.State == ApiKeyState.Revoked)
            {
                return RevokeKeyOutcome.AlreadyRevoked;
            }

            _byHash[hash] = new ApiKeyRecord
            {
                Id = record.Id,
                SubscriptionId = record.SubscriptionId,
                Plan = record.Plan,
                Scopes = record.Scopes,
                AllowedIps = record.AllowedIps,
                State = ApiKeyState.Revoked,
                ExpiresAt = record.ExpiresAt,
            };
            return RevokeKeyOutcome.Revoked;
        }
    }

    private void Add(ApiKeyHash hash, ApiKeyRecord record)
    {
        _byHash[hash] = record;
        _hashById[record.Id] = hash;
    }
}
