using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests;

/// <summary>
/// CampusSafety's way of sending a change: If-Match as the <see cref="EntityTagHeaderValue"/> read before, and an empty JSON
/// object when there is no body. The rest is TestKit's.
/// </summary>
internal static class Http
{
    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object? body) =>
        client.PostAsJsonAsync(path, body ?? new { });

    /// <summary>A change to an existing stream, with If-Match carrying the ETag read before.</summary>
    public static Task<HttpResponseMessage> Send(
        this HttpClient client, HttpMethod method, string path, EntityTagHeaderValue? etag, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body ?? new { }) };
        if (etag is not null) request.Headers.IfMatch.Add(etag);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, EntityTagHeaderValue? etag, object? body = null) =>
        client.Send(HttpMethod.Post, path, etag, body);

    public static async Task<EntityTagHeaderValue> ETagOf(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!;
    }

    public static async Task AssertProblem(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {body}");
        }
    }

}
