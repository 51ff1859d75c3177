namespace JiaoLianTi.Console.Api;

/// <summary>A change to an existing thing: read it for its ETag, then send the change with If-Match (docs: 428
/// without, 412 when someone changed it meanwhile, which the page shows as "someone changed this; reload").</summary>
public static class ItemActions
{
    public static async Task<ApiProblem?> ChangeAsync(this GatewayClient gateway, string itemPath, string action, object? body = null)
    {
        var current = await gateway.GetAsync<System.Text.Json.JsonElement>(itemPath);
        if (!current.Ok)
        {
            return current.Problem;
        }
        var answer = await gateway.PostAsync<System.Text.Json.JsonElement>($"{itemPath}/{action}", body ?? new { }, current.ETag);
        return answer.Problem;
    }
}
