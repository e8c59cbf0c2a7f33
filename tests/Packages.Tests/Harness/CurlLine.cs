using System.Text.Json;
using System.Text.RegularExpressions;

namespace ErrorCatalog.Packages.Tests.Harness;

/// <summary>
/// One documented curl line and what its comment promises:
/// <c>curl -i [-H "Name: value"]... [-d 'body'] URL  # STATUS [CODE] [Header-Name[: value]] [errors.field]...</c>.
/// </summary>
internal sealed partial record CurlLine(string Text, HttpMethod Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Body, string Comment)
{
    public static CurlLine Parse(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        Assert.True(hash > 0, $"A documented curl line says what it answers after '#': {line}");
        var tokens = Token().Matches(line[..hash]).Select(m => m.Value.Trim('"', '\'')).ToList();
        Assert.Equal("curl", tokens[0]);
        var headers = new List<(string, string)>();
        string? body = null;
        string? url = null;
        var method = HttpMethod.Get;
        for (var i = 1; i < tokens.Count; i++)
        {
            switch (tokens[i])
            {
                case "-i":
                    break;
                case "-H":
                    var header = tokens[++i].Split(':', 2, StringSplitOptions.TrimEntries);
                    headers.Add((header[0], header[1]));
                    break;
                case "-d":
                    body = tokens[++i];
                    method = HttpMethod.Post;
                    break;
                case "-X":
                    method = new HttpMethod(tokens[++i]);
                    break;
                default:
                    url = tokens[i];
                    break;
            }
        }

        Assert.True(url is not null, $"No URL in: {line}");
        return new CurlLine(line, method, url, headers, body, line[(hash + 2)..].Trim());
    }

    public HttpRequestMessage ToRequest(Uri baseAddress)
    {
        var request = new HttpRequestMessage(Method, new Uri(baseAddress, new Uri(Url).PathAndQuery));
        var contentType = Headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (Body is not null)
        {
            request.Content = new StringContent(Body, System.Text.Encoding.UTF8, contentType ?? "application/x-www-form-urlencoded");
        }

        foreach (var (name, value) in Headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    /// <summary>Checks the response against the comment: status, catalog code, headers and body fields it names.</summary>
    public async Task AssertAnsweredAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var context = $"{Text}\n-> {(int)response.StatusCode}\n{response.Headers}{body}";
        var promise = Promise().Match(Comment);
        Assert.True(promise.Success, $"Unreadable comment: {Text}");
        Assert.True(int.Parse(promise.Groups["status"].Value) == (int)response.StatusCode, context);
        JsonElement? json = body.StartsWith('{') ? JsonDocument.Parse(body).RootElement : null;
        if (promise.Groups["code"].Success)
        {
            Assert.True(json?.GetProperty("code").GetString() == promise.Groups["code"].Value, context);
        }

        foreach (Match header in ExpectedHeader().Matches(Comment))
        {
            Assert.True(response.Headers.TryGetValues(header.Groups["name"].Value, out var values), context);
            if (header.Groups["value"].Success)
            {
                Assert.True(header.Groups["value"].Value == values.Single(), context);
            }
        }

        foreach (Match field in BodyField().Matches(Comment))
        {
            Assert.True(json?.GetProperty(field.Groups["object"].Value).TryGetProperty(field.Groups["name"].Value, out _) == true, context);
        }
    }

    [GeneratedRegex(@"""[^""]*""|'[^']*'|\S+")]
    private static partial Regex Token();

    [GeneratedRegex(@"^(?<status>\d{3})(?: (?<code>[A-Z][A-Z0-9_]{2,})\b)?")]
    private static partial Regex Promise();

    [GeneratedRegex(@"(?<name>X-[A-Za-z-]+|Retry-After|WWW-Authenticate)(?:: (?<value>\d+))?")]
    private static partial Regex ExpectedHeader();

    [GeneratedRegex(@"\b(?<object>errors)\.(?<name>\w+)")]
    private static partial Regex BodyField();
}
