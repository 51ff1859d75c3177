using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests;

internal static class Json
{
    public static async Task<JsonElement> Expect(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        var response = await call;
        var body = await response.ReadJson();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task ExpectProblem(this Task<HttpResponseMessage> call, HttpStatusCode status, string? field = null, string? code = null)
    {
        var response = await call;
        var body = await response.ReadJson();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {body}");
        }
        if (code is not null)
        {
            Assert.Equal(code, body.GetProperty("code").GetString());
        }
    }
}
