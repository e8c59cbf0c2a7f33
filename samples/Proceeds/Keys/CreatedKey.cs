namespace Proceeds.Keys;

/// <summary>A new key as <c>POST /v1/keys</c> returns it: the only time the key itself is shown.</summary>
public sealed record CreatedKey(string Id, string Key, IReadOnlyList<string> Scopes);
