using System.Security.Claims;
using System.Text.Json;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;

namespace JiaoLianTi.Console.Parent;

/// <summary>
/// What every parent page shares: the parent's claims (subject, children on the token, school, county), the gateway
/// with their token, and the words a parent reads when the API refuses (<see cref="ParentWords"/>).
/// </summary>
public class ParentPage : ComponentBase
{
    [Inject] protected GatewayClient Api { get; set; } = default!;
    [Inject] protected ConsoleUser User { get; set; } = default!;
    [CascadingParameter] protected HttpContext Http { get; set; } = default!;

    /// <summary>After an action: what was done (<c>?ok=</c>) or what went wrong (<c>?error=</c>), in words.</summary>
    [SupplyParameterFromQuery(Name = "ok")] public string? Ok { get; set; }
    [SupplyParameterFromQuery(Name = "error")] public string? Error { get; set; }

    protected ClaimsPrincipal Principal { get; private set; } = new();
    protected Person Me { get; private set; } = default!;
    protected Guid[] Children { get; private set; } = [];
    protected bool IsParent => Me.Role == JiaoLianTi.Platform.Identity.Role.Parent;

    /// <summary>Problems met while reading, shown once at the top in a parent's words.</summary>
    protected List<string> Problems { get; } = [];

    protected override async Task OnInitializedAsync()
    {
        Principal = await User.PrincipalAsync();
        Me = Person.From(Principal);
        Children = [.. Principal.FindAll(ConsoleClaims.Child).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty)];
        if (IsParent)
        {
            await LoadAsync();
        }
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>GET through the gateway: the JSON, or null with the problem noted in a parent's words.</summary>
    protected async Task<JsonElement?> GetAsync(string path, bool quietNotFound = false)
    {
        var answer = await Api.GetAsync<JsonElement>(path);
        if (answer.Ok) return answer.Value;
        if (!(quietNotFound && answer.Problem!.Status == 404))
        {
            var words = ParentWords.Of(answer.Problem!);
            lock (Problems)
            {
                if (!Problems.Contains(words)) Problems.Add(words);
            }
        }
        return null;
    }

    protected async Task<(JsonElement? Value, string? ETag)> GetTaggedAsync(string path)
    {
        var answer = await Api.GetAsync<JsonElement>(path);
        return answer.Ok ? (answer.Value, answer.ETag) : (null, null);
    }

    /// <summary>The child's name as the parent gave it in a registration, else "孩子 1", "孩子 2".</summary>
    protected static string ChildLabel(Guid child, int index, IReadOnlyDictionary<Guid, string>? names) =>
        names is not null && names.TryGetValue(child, out var name) && name.Length > 0 ? name : $"孩子 {index + 1}";

    protected string Here => Http.Request.Path + Http.Request.QueryString;

    /// <summary>The page itself, for an action to come back to (without an earlier ok/error).</summary>
    protected string Back => Http.Request.Path.Value ?? "/parent/";

    protected static string Kind(string? value) => Labels.Chinese(value);
}
