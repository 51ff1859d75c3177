using System.Net;
using System.Security.Claims;
using System.Text;
using AntDesign;
using Bunit;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// A page rendered by bUnit for one signed-in person, its gateway answering from <see cref="Answer"/>: the API's own
/// JSON for each request (a list's <c>items</c>), so that what the page shows is tested against what the API says.
/// </summary>
public abstract class CannedGateway : BunitContext
{
    protected CannedGateway(string role, params Claim[] claims)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddAntDesign();
        // 锦江区 unless a region is given.
        Claim[] region = claims.Any(c => c.Type == ConsoleClaims.Region) ? [] : [new Claim(ConsoleClaims.Region, "510104")];
        AddAuthorization().SetAuthorized(role).SetClaims([new Claim(ConsoleClaims.Role, role), .. region,
            new Claim(ConsoleClaims.Subject, $"test-{role}"), .. claims]);
        Services.AddScoped<ConsoleUser>();
        Services.AddScoped<PickerSources>();
        Services.AddScoped(sp => new GatewayClient(new HttpClient(new Handler(this)) { BaseAddress = new Uri("http://gateway/") },
            sp.GetRequiredService<ConsoleUser>()));
    }

    /// <summary>Every change the page sent: method, path, If-Match and body.</summary>
    protected List<(HttpMethod Method, string Path, string? IfMatch, string Body)> Sent { get; } = [];

    /// <summary>
    /// The items (a JSON array) the API answers to this request, the page around them made here; or one record (a JSON
    /// object), answered as it is.
    /// </summary>
    protected abstract string Answer(HttpRequestMessage request);

    /// <summary>The status the API answers with (a refusal's body is the ProblemDetails <see cref="Answer"/> gives).</summary>
    protected virtual HttpStatusCode Status(HttpRequestMessage request) => HttpStatusCode.OK;

    /// <summary>A ProblemDetails the API refuses every POST with (400), for a page's handling of field errors; null: none.</summary>
    protected virtual string? RefusesPosts => null;

    /// <summary>The ETag the API answers with (a record's revision), if any.</summary>
    protected virtual string? ETag(HttpRequestMessage request) => null;

    private sealed class Handler(CannedGateway test) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method != HttpMethod.Get)
            {
                var ifMatch = request.Headers.TryGetValues("If-Match", out var values) ? values.Single() : null;
                var sent = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
                lock (test.Sent)
                {
                    test.Sent.Add((request.Method, request.RequestUri!.AbsolutePath, ifMatch, sent));
                }
            }
            if (request.Method == HttpMethod.Post && test.RefusesPosts is { } refusal)
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(refusal, Encoding.UTF8, "application/problem+json") };
            }
            var items = test.Answer(request).Trim();
            if (test.Status(request) is var status and not HttpStatusCode.OK)
            {
                return new HttpResponseMessage(status) { Content = new StringContent(items, Encoding.UTF8, "application/problem+json") };
            }
            // A list's items are wrapped in a page; one record (an object) is answered as it is.
            var body = items.StartsWith('{') ? items
                : $$"""{"items":{{items}},"pageNumber":1,"pageSize":20,"total":{{System.Text.Json.JsonDocument.Parse(items).RootElement.GetArrayLength()}}}""";
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (test.ETag(request) is { } etag)
            {
                response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
            }
            return response;
        }
    }
}
