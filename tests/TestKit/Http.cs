using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace JiaoLianTi.TestKit;

/// <summary>
/// Talking JSON to the system through the gateway: send with If-Match (the ETag read before), read the answer as JSON.
/// </summary>
public static class Http
{
    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement;
    }

    /// <summary><paramref name="body"/> as JSON (none when null), with If-Match when <paramref name="ifMatch"/> is given.</summary>
    public static async Task<HttpResponseMessage> Send(
        this HttpClient client, HttpMethod method, string path, object? body, string? ifMatch = null)
    {
        using var request = Request(method, path, body, ifMatch);
        return await client.SendAsync(request);
    }

    /// <summary>The request <see cref="Send"/> sends: <paramref name="body"/> as JSON, If-Match when given.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, object? body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object? body, string? ifMatch = null) =>
        client.Send(HttpMethod.Post, path, body, ifMatch);

    public static Task<HttpResponseMessage> Put(this HttpClient client, string path, object? body, string? ifMatch = null) =>
        client.Send(HttpMethod.Put, path, body, ifMatch);

    /// <summary>
    /// Sends as a person's app does under load: past the system's capacity the answer is 503 "服务繁忙" (or 429) with
    /// Retry-After, which changed nothing, so the same request is sent again after that time (at most
    /// <paramref name="attempts"/> times). <paramref name="request"/> builds each attempt anew; <paramref name="busy"/>
    /// counts the busy answers. Returns the first answer that is not busy, or the last.
    /// </summary>
    public static async Task<HttpResponseMessage> SendUntilServed(
        this HttpClient client, Func<HttpRequestMessage> request, StrongBox<int>? busy = null, int attempts = 60)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = request();
            var response = await client.SendAsync(message);
            if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                || response.Headers.RetryAfter?.Delta is not { } wait || attempt == attempts)
            {
                return response;
            }
            response.Dispose();
            if (busy is not null)
            {
                Interlocked.Increment(ref busy.Value);
            }
            await Task.Delay(wait);
        }
    }

    /// <summary>Text sent as it is, for malformed JSON.</summary>
    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>The ETag of the answer, as If-Match wants it back.</summary>
    public static string ETag(this HttpResponseMessage response) =>
        response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException($"no ETag on {(int)response.StatusCode}");

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static Guid Id(this JsonElement element) => element.GetProperty("id").GetGuid();

    public static IReadOnlyList<JsonElement> Items(this JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();
}
