using System.Net.Http.Json;
using System.Text.Json;

namespace JiaoLianTi.EndToEnd.Tests;

internal static class Json
{
    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement;
    }

    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);
}
