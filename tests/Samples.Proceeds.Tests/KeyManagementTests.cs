using System.Net;
using static Samples.Proceeds.Tests.Envelope;
using static Samples.Proceeds.Tests.ProceedsFactory;

namespace Samples.Proceeds.Tests;

/// <summary>
/// "KEY_LIMIT_REACHED 403" and "ALREADY_REVOKED 409": keys created through <c>POST /v1/keys</c> up to the account's
/// limit, revoked through <c>DELETE /v1/keys/{id}</c>; a created key works at once and a revoked one is refused.
/// </summary>
public sealed class KeyManagementTests
{
    private static Task<HttpResponseMessage> CreateKeyAsync(ProceedsFactory api, string key, string scopes = "\"paywalls:read\"") =>
        api.PostAsync("/v1/keys", key, $$"""{"scopes":[{{scopes}}]}""");

    private static Task<HttpResponseMessage> RevokeAsync(ProceedsFactory api, string key, string id) =>
        api.SendAsync(HttpMethod.Delete, $"/v1/keys/{id}", key);

    [Fact]
    public async Task CreatedKey_IsShownOnce_AndWorksAtOnceWithItsScopes()
    {
        await using var api = new ProceedsFactory();

        using var response = await CreateKeyAsync(api, OwnerKey);
        var created = await AssertDataAsync(response, HttpStatusCode.Created);
        var newKey = created.GetProperty("key").GetString()!;
        using var read = await api.GetAsync("/v1/paywalls", newKey);
        using var write = await api.PostAsync("/v1/paywalls", newKey, "{}");

        Assert.Equal(["id", "key", "scopes"], Names(created));
        Assert.Matches("^prc_live_[0-9a-f]{32}$", newKey);
        Assert.Equal($"/v1/keys/{created.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        await AssertDataAsync(read);
        await AssertPlainErrorAsync(write, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE", "This API key lacks the required scope: paywalls:write");
    }

    [Fact]
    public async Task CreatingKeysPastTheAccountsLimit_Returns403KeyLimitReached_UntilOneIsRevoked()
    {
        await using var api = new ProceedsFactory();

        // acme holds 5 keys that are not revoked (owner, read-only, expired, inactive, office): 5 more reach 10.
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await CreateKeyAsync(api, OwnerKey);
            ids.Add((await AssertDataAsync(response, HttpStatusCode.Created)).GetProperty("id").GetString()!);
        }

        using var overLimit = await CreateKeyAsync(api, OwnerKey);
        using var revoked = await RevokeAsync(api, OwnerKey, ids[0]);
        using var afterRevoke = await CreateKeyAsync(api, OwnerKey);
        using var otherAccount = await CreateKeyAsync(api, GlobexKey);

        await AssertPlainErrorAsync(overLimit, HttpStatusCode.Forbidden, "KEY_LIMIT_REACHED", "The account has reached its maximum of 10 API keys");
        await AssertDataAsync(revoked);
        await AssertDataAsync(afterRevoke, HttpStatusCode.Created);
        await AssertDataAsync(otherAccount, HttpStatusCode.Created);
    }

    [Fact]
    public async Task RevokingAKeyTwice_Returns409AlreadyRevoked_AndTheKeyIsRefusedKeyRevoked()
    {
        await using var api = new ProceedsFactory();
        using var create = await CreateKeyAsync(api, OwnerKey);
        var created = await AssertDataAsync(create, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var newKey = created.GetProperty("key").GetString()!;

        using var first = await RevokeAsync(api, OwnerKey, id);
        using var use = await api.GetAsync("/v1/paywalls", newKey);
        using var second = await RevokeAsync(api, OwnerKey, id);

        var data = await AssertDataAsync(first);
        Assert.Equal(id, data.GetProperty("id").GetString());
        Assert.Equal("revoked", data.GetProperty("state").GetString());
        await AssertPlainErrorAsync(use, HttpStatusCode.Unauthorized, "KEY_REVOKED", "This API key has been revoked");
        await AssertPlainErrorAsync(second, HttpStatusCode.Conflict, "ALREADY_REVOKED", $"The API key is already revoked: {id}");
    }

    [Fact]
    public async Task RevokingAConfiguredRevokedKey_Returns409AlreadyRevoked()
    {
        await using var api = new ProceedsFactory();

        using var response = await RevokeAsync(api, OwnerKey, "acme-revoked");

        await AssertPlainErrorAsync(response, HttpStatusCode.Conflict, "ALREADY_REVOKED", "The API key is already revoked: acme-revoked");
    }

    [Fact]
    public async Task RevokingAnotherAccountsKey_Returns403Forbidden_AndAnUnknownOne404()
    {
        await using var api = new ProceedsFactory();

        using var other = await RevokeAsync(api, OwnerKey, "globex-owner");
        using var unknown = await RevokeAsync(api, OwnerKey, "key_nope");
        using var stillWorks = await api.GetAsync("/v1/paywalls", GlobexKey);

        await AssertPlainErrorAsync(other, HttpStatusCode.Forbidden, "FORBIDDEN", "You are not the owner of this resource");
        await AssertPlainErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND", "Resource not found: key key_nope");
        await AssertDataAsync(stillWorks);
    }

    [Fact]
    public async Task CreatingAKeyWithAScopeTheCreatorLacks_Returns403InsufficientScope()
    {
        await using var api = new ProceedsFactory();

        using var escalate = await CreateKeyAsync(api, OwnerKey, "\"paywalls:read\", \"admin\"");
        using var readOnly = await CreateKeyAsync(api, ReadOnlyKey);

        await AssertPlainErrorAsync(escalate, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE", "This API key lacks the required scope: admin");
        await AssertPlainErrorAsync(readOnly, HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE", "This API key lacks the required scope: keys:write");
    }
}
