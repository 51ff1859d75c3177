using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// The console's only way to the services: the gateway's public API, with the signed-in person's token, which stays
/// on the server (it comes from the server-side session, <see cref="Auth.ConsoleUser"/>; the page never sees it).
/// </summary>
public sealed class GatewayClient(HttpClient http, Auth.ConsoleUser user)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Get, path, null, null, ct);

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, string? etag = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Post, path, body, etag, ct);

    public Task<ApiResult<T>> PutAsync<T>(string path, object? body, string? etag = null, CancellationToken ct = default) =>
        SendAsync<T>(HttpMethod.Put, path, body, etag, ct);

    /// <summary>The raw answer, for a download (CSV) passed on to the browser.</summary>
    public async Task<HttpResponseMessage> RawAsync(string path, CancellationToken ct = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, path, null, null);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? etag, CancellationToken ct = default)
    {
        using var request = await RequestAsync(method, path, body, etag);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return new ApiResult<T>(default, null, new ApiProblem(503, "网关不可达 / The gateway cannot be reached", e.Message, null, ApiProblem.NoErrors));
        }
        using (response)
        {
            var tag = response.Headers.ETag?.Tag;
            if (!response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(default, tag, ApiProblem.Parse(response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
            }
            if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
            {
                return new ApiResult<T>(default, tag, null);
            }
            var value = await response.Content.ReadFromJsonAsync<T>(Json, ct);
            return new ApiResult<T>(value, tag, null);
        }
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, object? body, string? etag)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (await user.AccessTokenAsync() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
        if (body is HttpContent content)
        {
            request.Content = content; // as it is (a CSV import)
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return request;
    }
}
