using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests;

internal static class Json
{
    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement;
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object? body, string? ifMatch = null) =>
        Send(client, HttpMethod.Post, path, body, ifMatch);

    public static Task<HttpResponseMessage> Put(this HttpClient client, string path, object? body, string? ifMatch = null) =>
        Send(client, HttpMethod.Put, path, body, ifMatch);

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    public static string ETag(this HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException($"no ETag on {(int)response.StatusCode}");

    public static IEnumerable<JsonElement> Items(this JsonElement page) => page.GetProperty("items").EnumerateArray();

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
