using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Tests;

/// <summary>
/// The user's way to write outside an endpoint's own shape: <see cref="ApiError.ToResult(BodyShape?, object?)"/> and
/// <see cref="ErrorCatalogExtensions.ToSuccessResult"/>.
/// </summary>
public sealed class ShapedResultTests
{
    private static async Task<(HttpContext Http, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var http = new DefaultHttpContext { TraceIdentifier = "req-1" };
        var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return (http, JsonDocument.Parse(body.ToArray()).RootElement.Clone());
    }

    [Fact]
    public async Task ToResult_WithAShape_WritesThatShape()
    {
        var (http, body) = await ExecuteAsync(ApiErrors.NotFound("thing").ToResult(ApiErrors.Shapes.Flat));

        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal("application/json", http.Response.ContentType);
        Assert.Equal("NOT_FOUND", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ToResult_WithDetails_FillsTheShapesDetails()
    {
        var shape = new BodyShape("details", "application/json", ShapeNode.Object(
            null, ShapeNode.Value("code", SystemValue.Code), ShapeNode.Value("details", SystemValue.Details)));

        var (_, body) = await ExecuteAsync(ApiErrors.NotFound("thing").ToResult(shape, new { checks = 2 }));

        Assert.Equal("NOT_FOUND", body.GetProperty("code").GetString());
        Assert.Equal(2, body.GetProperty("details").GetProperty("checks").GetInt32());
    }

    [Fact]
    public void ToResult_WithNeitherShapeNorDetails_IsTheErrorItself()
    {
        var error = ApiErrors.NotFound("thing");

        Assert.IsType<ApiError>(error.ToResult(null));
        Assert.IsType<ApiError>(error.ToResult());
    }

    [Fact]
    public async Task ToSuccessResult_WritesTheShapeWithItsStatus()
    {
        var (http, body) = await ExecuteAsync(ApiErrors.Shapes.Status.ToSuccessResult(new { rate = 1.5 }, StatusCodes.Status201Created));

        Assert.Equal(201, http.Response.StatusCode);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("status").ValueKind);
    }
}
