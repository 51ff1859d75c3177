using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// 订阅的角色表: the subscriptions service's operations, as departments, education bureaus of every level and the
/// roles that take no part, on three subscriptions made here through the gateway, each cell's answer written out from
/// docs/subscriptions.md (not from what the service answered):
/// <list type="bullet">
/// <item>a department's officers see their department's subscriptions requested inside their region (a city officer
/// those of its counties), never another department's, never another region's: 404;</item>
/// <item>the education bureau sees (and decides) those whose region is inside its own: the county its county's, the
/// city its city's and its counties', the province all; a county bureau cannot see a city-wide request: 404;</item>
/// <item>a reader who may not do the step is told 403 (a bureau cannot change, replay, read the secret or take the
/// credentials; a department cannot approve); CampusSafety's and Wellbeing's events need a legal basis (400);</item>
/// <item>schools, teachers, counsellors, parents and member units' officers take no part (403 whatever the id); the
/// Operator and EventRelay read no domain data (403); only the catalogue is open to every signed-in user.</item>
/// </list>
/// Changes carry a stale If-Match, so a permitted caller is told 412 and nothing changes; then the approvals are
/// made for real by the bureaus the guide names.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SubscriptionRoleTableTests(EndToEndSystem system, ITestOutputHelper output)
{
    private const int Ok = 200, Bad = 400, Forbidden = 403, NotFound = 404, Conflict = 409, Stale = 412;

    /// <summary>Every caller of the table: name → token request.</summary>
    private static readonly (string Name, TokenRequest Request)[] Callers =
    [
        ("health@510104", Officer(Department.Health, "510104")),
        ("health@5101", Officer(Department.Health, "5101")),
        ("health@510105", Officer(Department.Health, "510105")),
        ("police@510104", Officer(Department.PublicSecurity, "510104")),
        ("police@5101", Officer(Department.PublicSecurity, "5101")),
        ("civil@510104", Officer(Department.CivilAffairs, "510104")),
        ("county@510104", new TokenRequest(Role.CountyAdmin, "510104", Subject: "subs-table-county")),
        ("county@510105", new TokenRequest(Role.CountyAdmin, "510105", Subject: "subs-table-county-other")),
        ("city@5101", new TokenRequest(Role.CityAdmin, "5101", Subject: "subs-table-city")),
        ("city@5107", new TokenRequest(Role.CityAdmin, "5107", Subject: "subs-table-city-other")),
        ("province@51", new TokenRequest(Role.ProvinceAdmin, "51", Subject: "subs-table-province")),
        ("school@510104", new TokenRequest(Role.SchoolAdmin, "510104", Guid.NewGuid(), Subject: "subs-table-school")),
        ("teacher@510104", new TokenRequest(Role.Teacher, "510104", Guid.NewGuid(), Subject: "subs-table-teacher")),
        ("counsellor@510104", new TokenRequest(Role.Counsellor, "510104", Guid.NewGuid(), Subject: "subs-table-counsellor")),
        ("parent@510104", new TokenRequest(Role.Parent, "510104", Guid.NewGuid(), Subject: "subs-table-parent")),
        ("member@510104", new TokenRequest(Role.MemberOfficer, "510104", MemberUnitId: Guid.NewGuid(), Subject: "subs-table-member")),
        ("operator", new TokenRequest(Role.Operator, "51", Subject: "subs-table-operator")),
        ("relay", new TokenRequest(Role.EventRelay, "", Subject: "subs-table-relay")),
    ];

    private static TokenRequest Officer(Department department, string region) =>
        new(Role.DepartmentOfficer, region, Subject: $"subs-table-{department}-{region}", Department: department);

    /// <summary>The roles that take no part in subscriptions, and the two that read no domain data: 403 on every id.</summary>
    private static readonly string[] Outsiders = ["school@510104", "teacher@510104", "counsellor@510104", "parent@510104", "member@510104", "operator", "relay"];

    // The three subscriptions, as the columns of each row below:
    // S1: Health of 锦江区 510104, a webhook for ReferralMade (Wellbeing: needs a legal basis) of 510104, requested.
    // S2: PublicSecurity of 成都市 5101, AMQP for HazardAssigned of the whole city 5101, requested.
    // S3: CivilAffairs of 510104, AMQP for MemberUnitRegistered (Alliances) of 510104, approved by the county: active.

    /// <summary>GET /{id}, /{id}/history and /{id}/deliveries: who sees each subscription.</summary>
    private static readonly Dictionary<string, int[]> Reads = new()
    {
        ["health@510104"] = [Ok, NotFound, NotFound],
        ["health@5101"] = [Ok, NotFound, NotFound],          // a city officer sees its department's county requests
        ["health@510105"] = [NotFound, NotFound, NotFound],  // another county
        ["police@510104"] = [NotFound, NotFound, NotFound],  // another department; a city request is above a county
        ["police@5101"] = [NotFound, Ok, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Ok],
        ["county@510104"] = [Ok, NotFound, Ok],              // a county bureau cannot see a city-wide request
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Ok, Ok, Ok],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Ok, Ok, Ok],
    };

    /// <summary>POST /{id}/approve and /reject (stale If-Match): the bureau over the region; a department that sees it 403.</summary>
    private static readonly Dictionary<string, int[]> Decisions = new()
    {
        ["health@510104"] = [Forbidden, NotFound, NotFound],
        ["health@5101"] = [Forbidden, NotFound, NotFound],
        ["health@510105"] = [NotFound, NotFound, NotFound],
        ["police@510104"] = [NotFound, NotFound, NotFound],
        ["police@5101"] = [NotFound, Forbidden, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Forbidden],
        ["county@510104"] = [Stale, NotFound, Stale],
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Stale, Stale, Stale],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Stale, Stale, Stale],
    };

    /// <summary>POST /{id}/pause, /resume, /revoke (stale If-Match): the department or the bureau.</summary>
    private static readonly Dictionary<string, int[]> EitherSide = new()
    {
        ["health@510104"] = [Stale, NotFound, NotFound],
        ["health@5101"] = [Stale, NotFound, NotFound],
        ["health@510105"] = [NotFound, NotFound, NotFound],
        ["police@510104"] = [NotFound, NotFound, NotFound],
        ["police@5101"] = [NotFound, Stale, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Stale],
        ["county@510104"] = [Stale, NotFound, Stale],
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Stale, Stale, Stale],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Stale, Stale, Stale],
    };

    /// <summary>POST /{id}/change, /replays, /secret/rotate (stale If-Match): the department only; a bureau that sees it 403.</summary>
    private static readonly Dictionary<string, int[]> DepartmentOnly = new()
    {
        ["health@510104"] = [Stale, NotFound, NotFound],
        ["health@5101"] = [Stale, NotFound, NotFound],
        ["health@510105"] = [NotFound, NotFound, NotFound],
        ["police@510104"] = [NotFound, NotFound, NotFound],
        ["police@5101"] = [NotFound, Stale, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Stale],
        ["county@510104"] = [Forbidden, NotFound, Forbidden],
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Forbidden, Forbidden, Forbidden],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Forbidden, Forbidden, Forbidden],
    };

    /// <summary>GET /{id}/secret: the department of a webhook subscription (an AMQP one has none: 409).</summary>
    private static readonly Dictionary<string, int[]> Secret = new()
    {
        ["health@510104"] = [Ok, NotFound, NotFound],
        ["health@5101"] = [Ok, NotFound, NotFound],
        ["health@510105"] = [NotFound, NotFound, NotFound],
        ["police@510104"] = [NotFound, NotFound, NotFound],
        ["police@5101"] = [NotFound, Conflict, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Conflict],
        ["county@510104"] = [Forbidden, NotFound, Forbidden],
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Forbidden, Forbidden, Forbidden],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Forbidden, Forbidden, Forbidden],
    };

    /// <summary>POST /{id}/credentials: the department of an approved AMQP subscription whose queue is ready
    /// (a webhook has none, a request is not provisioned: 409).</summary>
    private static readonly Dictionary<string, int[]> Credentials = new()
    {
        ["health@510104"] = [Conflict, NotFound, NotFound],
        ["health@5101"] = [Conflict, NotFound, NotFound],
        ["health@510105"] = [NotFound, NotFound, NotFound],
        ["police@510104"] = [NotFound, NotFound, NotFound],
        ["police@5101"] = [NotFound, Conflict, NotFound],
        ["civil@510104"] = [NotFound, NotFound, Ok],
        ["county@510104"] = [Forbidden, NotFound, Forbidden],
        ["county@510105"] = [NotFound, NotFound, NotFound],
        ["city@5101"] = [Forbidden, Forbidden, Forbidden],
        ["city@5107"] = [NotFound, NotFound, NotFound],
        ["province@51"] = [Forbidden, Forbidden, Forbidden],
    };

    [Fact]
    public async Task Subscriptions_answer_each_department_bureau_and_outsider_as_the_guide_declares()
    {
        var clients = Callers.ToDictionary(c => c.Name, c => Client(c.Request));
        try
        {
            // The three subscriptions, requested through the gateway by their departments.
            var s1 = (await Created(clients["health@510104"], new
            {
                name = "锦江区卫健转介系统", eventTypes = new[] { "ReferralMade" }, region = "510104", delivery = "Webhook",
                webhookUrl = "https://wj.example.cn/hook",
            })).Id();
            var s2 = (await Created(clients["police@5101"], new
            {
                name = "成都市公安局警情系统", eventTypes = new[] { "HazardAssigned" }, region = "5101", delivery = "Amqp",
            })).Id();
            var s3 = (await Created(clients["civil@510104"], new
            {
                name = "锦江区民政单位系统", eventTypes = new[] { "MemberUnitRegistered" }, region = "510104", delivery = "Amqp",
            })).Id();
            // Alliances' events need no legal basis: the county approves S3 without one; then its queue is made.
            var s3Read = await clients["county@510104"].GetAsync($"/api/subscriptions/{s3}");
            var approved = await clients["county@510104"].Post($"/api/subscriptions/{s3}/approve", new { legalBasis = (string?)null }, s3Read.ETag());
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            var version = (await approved.ReadJson()).GetProperty("version").GetInt64();
            await Eventually.Until(async () => await (await clients["civil@510104"].GetAsync($"/api/subscriptions/{s3}")).ReadJson(),
                s => s.TryGetProperty("broker", out var b) && b.ValueKind == JsonValueKind.Object && b.GetProperty("version").GetInt64() >= version,
                TimeSpan.FromSeconds(90));

            Guid[] ids = [s1, s2, s3];
            object[] changes =
            [
                new { eventTypes = new[] { "ReferralMade" }, region = "510104", webhookUrl = "https://wj.example.cn/hook2" },
                new { eventTypes = new[] { "HazardAssigned" }, region = "510104" },
                new { eventTypes = new[] { "MemberUnitRegistered", "MemberJoined" }, region = "510104" },
            ];
            var since = new { since = DateTimeOffset.UtcNow.AddDays(-1) };
            var rows = new (string Operation, Dictionary<string, int[]> Expected, Func<HttpClient, int, Task<HttpResponseMessage>> Send)[]
            {
                ("GET {id}", Reads, (c, i) => c.GetAsync($"/api/subscriptions/{ids[i]}")),
                ("GET {id}/history", Reads, (c, i) => c.GetAsync($"/api/subscriptions/{ids[i]}/history")),
                ("GET {id}/deliveries", Reads, (c, i) => c.GetAsync($"/api/subscriptions/{ids[i]}/deliveries")),
                ("GET {id}/secret", Secret, (c, i) => c.GetAsync($"/api/subscriptions/{ids[i]}/secret")),
                ("POST {id}/approve", Decisions, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/approve", new { legalBasis = "《未成年人保护法》" }, "\"999\"")),
                ("POST {id}/reject", Decisions, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/reject", new { reason = "不需要" }, "\"999\"")),
                ("POST {id}/pause", EitherSide, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/pause", new { }, "\"999\"")),
                ("POST {id}/resume", EitherSide, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/resume", new { }, "\"999\"")),
                ("POST {id}/revoke", EitherSide, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/revoke", new { reason = "停用" }, "\"999\"")),
                ("POST {id}/change", DepartmentOnly, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/change", changes[i], "\"999\"")),
                ("POST {id}/replays", DepartmentOnly, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/replays", since, "\"999\"")),
                ("POST {id}/secret/rotate", DepartmentOnly, (c, i) => c.Post($"/api/subscriptions/{ids[i]}/secret/rotate", new { }, "\"999\"")),
                ("POST {id}/credentials", Credentials, (c, i) => c.PostAsync($"/api/subscriptions/{ids[i]}/credentials", null)),
                // A delivery of none of them: whoever may re-send is told 404 about the delivery, others as for the subscription.
                ("POST {id}/deliveries/{other}/resend", DepartmentOnly.ToDictionary(r => r.Key, r => r.Value.Select(v => v == Stale ? NotFound : v).ToArray()),
                    (c, i) => c.PostAsync($"/api/subscriptions/{ids[i]}/deliveries/{Guid.NewGuid()}/resend", null)),
            };
            var failures = new List<string>();
            var cells = 0;
            foreach (var (operation, expected, send) in rows)
            {
                foreach (var (name, _) in Callers)
                {
                    for (var i = 0; i < ids.Length; i++)
                    {
                        var want = Outsiders.Contains(name) ? Forbidden : expected[name][i];
                        using var response = await send(clients[name], i);
                        cells++;
                        if ((int)response.StatusCode != want)
                        {
                            failures.Add($"{name} {operation} on S{i + 1}: {(int)response.StatusCode}, expected {want}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                }
            }

            // Lists: exactly what each caller reads, and nothing for outsiders (403).
            foreach (var (name, _) in Callers)
            {
                using var response = await clients[name].GetAsync("/api/subscriptions?pageSize=100");
                cells++;
                if (Outsiders.Contains(name))
                {
                    if (response.StatusCode != HttpStatusCode.Forbidden) failures.Add($"{name} GET list: {(int)response.StatusCode}, expected 403");
                    continue;
                }
                var listed = (await response.ReadJson()).Items().Select(s => s.Id()).Intersect(ids).Order().ToList();
                var readable = ids.Where((_, i) => Reads[name][i] == Ok).Order().ToList();
                if (!listed.SequenceEqual(readable))
                {
                    failures.Add($"{name} GET list: {string.Join(",", listed.Select(l => "S" + (Array.IndexOf(ids, l) + 1)))}, expected " +
                        string.Join(",", readable.Select(l => "S" + (Array.IndexOf(ids, l) + 1))));
                }
            }
            // The catalogue is open to every signed-in user but the Operator and EventRelay; a request is a department's.
            foreach (var (name, request) in Callers)
            {
                using var catalogue = await clients[name].GetAsync("/api/subscriptions/catalogue");
                var want = request.Role is Role.Operator or Role.EventRelay ? Forbidden : Ok;
                if ((int)catalogue.StatusCode != want) failures.Add($"{name} GET catalogue: {(int)catalogue.StatusCode}, expected {want}");
                // Asking for a region beyond one's own: the department is told which field (400); nobody else may ask (403).
                using var asked = await clients[name].PostAsJsonAsync("/api/subscriptions",
                    new { name = "越界 beyond", eventTypes = new[] { "HazardAssigned" }, region = "5107", delivery = "Amqp" });
                want = request.Role == Role.DepartmentOfficer ? Bad : Forbidden;
                if ((int)asked.StatusCode != want) failures.Add($"{name} POST request for 5107: {(int)asked.StatusCode}, expected {want}");
                cells += 2;
            }
            output.WriteLine($"{cells} cells ({Callers.Length} callers × {rows.Length} operations × 3 subscriptions, lists, catalogue, requests); {failures.Count} wrong");
            Assert.True(failures.Count == 0, string.Join("\n", failures));

            // Nothing of the above changed them: each is at the version it had.
            Assert.Equal(1, (await (await clients["health@510104"].GetAsync($"/api/subscriptions/{s1}")).ReadJson()).GetProperty("version").GetInt64());
            Assert.Equal(1, (await (await clients["police@5101"].GetAsync($"/api/subscriptions/{s2}")).ReadJson()).GetProperty("version").GetInt64());
            Assert.Equal(version, (await (await clients["civil@510104"].GetAsync($"/api/subscriptions/{s3}")).ReadJson()).GetProperty("version").GetInt64());

            // Then for real. Wellbeing's events: the county bureau must state the legal basis (400, nothing stored), then
            // it approves with it, and the history records who approved, as what, on which basis.
            var county = clients["county@510104"];
            var read = await county.GetAsync($"/api/subscriptions/{s1}");
            var without = await county.Post($"/api/subscriptions/{s1}/approve", new { legalBasis = "  " }, read.ETag());
            Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
            Assert.True((await without.ReadJson()).GetProperty("errors").TryGetProperty("legalBasis", out _));
            read = await county.GetAsync($"/api/subscriptions/{s1}");
            Assert.Equal("\"1\"", read.ETag());
            var basis = "《中华人民共和国未成年人保护法》第三十九条";
            var done = await county.Post($"/api/subscriptions/{s1}/approve", new { legalBasis = basis }, read.ETag());
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.Equal("Active", (await done.ReadJson()).Str("status"));
            var history = await (await clients["health@510104"].GetAsync($"/api/subscriptions/{s1}/history")).ReadJson();
            var approval = history.EnumerateArray().Single(e => e.Str("event") == "SubscriptionApproved").GetProperty("data");
            Assert.Equal(basis, approval.Str("legalBasis"));
            Assert.Equal("CountyAdmin", approval.Str("approverRole"));
            Assert.Equal("subs-table-county", approval.Str("approvedBy"));

            // The city-wide request: not the county's to decide (404), the city's (or the province's).
            read = await clients["city@5101"].GetAsync($"/api/subscriptions/{s2}");
            Assert.Equal(HttpStatusCode.NotFound, (await county.Post($"/api/subscriptions/{s2}/approve", new { legalBasis = basis }, read.ETag())).StatusCode);
            var byCity = await clients["city@5101"].Post($"/api/subscriptions/{s2}/approve", new { legalBasis = basis }, read.ETag());
            Assert.Equal(HttpStatusCode.OK, byCity.StatusCode);
            Assert.Equal("Active", (await byCity.ReadJson()).Str("status"));
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
    }

    private HttpClient Client(TokenRequest request)
    {
        var client = system.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestSystem.Token(request));
        return client;
    }

    private static async Task<JsonElement> Created(HttpClient officer, object body)
    {
        var response = await officer.PostAsJsonAsync("/api/subscriptions", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJson();
    }
}
