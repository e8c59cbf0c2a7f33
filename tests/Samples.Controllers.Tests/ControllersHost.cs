using System.Net;
using System.Text;
using System.Text.Json;
using ErrorCatalog.Testing;

namespace Samples.Controllers.Tests;

/// <summary>The Controllers sample as shipped, with its demo keys, on a fixed clock.</summary>
internal sealed class ControllersHost() : SampleHost<Program>(new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero))
{
    public const string FreeKey = "ctl_free_demo_key_0001";
    public const string ProKey = "ctl_pro_demo_key_0002";
    public const string RevokedKey = "ctl_revoked_demo_key_0003";

    /// <summary>GET <paramref name="path"/> with the key in <c>X-API-Key</c> (none when null).</summary>
    public Task<HttpResponseMessage> GetAsync(string path, string? key = null) =>
        RequestAsync(HttpMethod.Get, path, headers: ("X-API-Key", key));

    /// <summary>POST <paramref name="json"/> to <paramref name="path"/> with the key in <c>X-API-Key</c>.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string key, string json) =>
        RequestAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), headers: ("X-API-Key", key));

    /// <summary>Asserts a catalog error in the problem shape (status, media type, code, status member); returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await ResponseAssert.JsonBodyAsync(response, status, "application/problem+json", code);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(response.RequestMessage!.RequestUri!.AbsolutePath, body.GetProperty("instance").GetString());
        return body;
    }
}
