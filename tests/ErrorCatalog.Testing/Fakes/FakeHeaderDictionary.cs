using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ErrorCatalog.Testing;

/// <summary>
/// Response headers that, like Kestrel's, keep Content-Length as a number; a pre-sized dictionary cleared
/// between uses, so setting headers allocates nothing.
/// </summary>
public sealed class FakeHeaderDictionary : IHeaderDictionary
{
    private readonly Dictionary<string, StringValues> _values = new(16, StringComparer.OrdinalIgnoreCase);

    public long? ContentLength { get; set; }

    public int Count => _values.Count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => _values.Keys;

    public ICollection<StringValues> Values => _values.Values;

    public StringValues this[string key]
    {
        get => _values.TryGetValue(key, out var value) ? value : StringValues.Empty;
        set => _values[key] = value;
    }

    public void Reset()
    {
        _values.Clear();
        ContentLength = null;
    }

    public void Add(string key, StringValues value) => _values.Add(key, value);

    public void Add(KeyValuePair<string, StringValues> item) => _values.Add(item.Key, item.Value);

    public void Clear() => Reset();

    public bool Contains(KeyValuePair<string, StringValues> item) => _values.TryGetValue(item.Key, out var value) && value == item.Value;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, StringValues>>)_values).CopyTo(array, arrayIndex);

    public bool Remove(string key) => _values.Remove(key);

    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && _values.Remove(item.Key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
