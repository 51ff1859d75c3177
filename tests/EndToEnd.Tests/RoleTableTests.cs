using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// 角色 × 接口 × 区域: every operation of the five OpenAPI documents, as every role, from the records' own county and
/// from another county, on a county seeded through the public API (scripts/seed, 锦江区 510104). Generated from the
/// documents, so a new endpoint or a new role is in the table without a line of test code. Each cell's expected answer
/// follows from the policy declared below (README, "Not yours: 404 or 403", and docs/design.md 15), never from what
/// the system happened to answer:
/// <list type="number">
/// <item>The Operator reads no domain data: every domain operation answers 403; only operators use the operations
/// endpoints (everyone else 403). The EventRelay role reads the integration feed only: every domain operation 403.</item>
/// <item>An id that does not exist is refused (404), or 403 when the role may never do this (a refusal that does not
/// depend on the record), or 400 for a body refused before anything is looked up; never 2xx, 409, 412 or 428.</item>
/// <item>A caller of another county cannot tell a record of this county from one that does not exist: the same answer
/// as for an unknown id (except the few records declared public below, with their reason).</item>
/// <item>A record hidden from a caller (404 on its read) answers that caller's changes exactly as an unknown id would,
/// never 409, 412 or 428 that confirm it exists.</item>
/// <item>A list never shows a record of a county outside the caller's region.</item>
/// <item>A caller who reads a record (200) and may not change it is told so: 403, never the 404 of a record they could
/// not know of (for a change of one record, its id the only one in the path).</item>
/// </list>
/// Rules 4 and 6 are each seen at work in every one of the five services (a hidden record's change refused 404 even
/// with its current If-Match; a readable record's change refused 403), or the table fails: the "not yours" rule is
/// tested per service, not only where the seed happens to reach.
/// Changes carry a stale If-Match, so that nothing a permitted caller sends changes a seeded record.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RoleTableTests(EndToEndSystem system, ITestOutputHelper output)
{
    private const string Own = "510104";   // 锦江区: the seeded county
    private const string Other = "510105"; // 青羊区

    /// <summary>
    /// Declared public across counties (rule 3 does not apply): what every signed-in user of the province may read, by
    /// design. Each with the reason from the service's guide.
    /// </summary>
    private static readonly Dictionary<string, string> PublicAcrossCounties = new()
    {
    };

    [Fact]
    public async Task Every_operation_as_every_role_from_its_own_and_another_county_answers_as_the_policy_declares()
    {
        var world = await SeedAsync();
        var operations = new List<Operation>();
        // The five services and the subscriptions service (订阅): its requests, approvals, pauses, changes, revocations,
        // history, credentials, secret, replays, deliveries and re-sends, and the catalogue.
        Assert.Contains("subscriptions", system.Running);
        foreach (var service in system.Running)
        {
            using var client = new HttpClient { BaseAddress = system.Address(service) };
            var document = JsonNode.Parse(await client.GetStringAsync($"/api/{service}/openapi/v1.json"))!;
            operations.AddRange(Operation.From(service, document));
        }
        Assert.True(operations.Count > 100, $"only {operations.Count} operations");
        var clients = system.Running.ToDictionary(s => s, s => new HttpClient { BaseAddress = system.Address(s), Timeout = TimeSpan.FromSeconds(90) });
        try
        {
            var (ids, listers) = await HarvestAsync(operations, world, clients);
            var callers = Enum.GetValues<Role>().SelectMany(role => new[] { CallerOf(role, Own, world), CallerOf(role, Other, world) }).ToList();
            Assert.Contains(callers, c => c.Role == Role.DepartmentOfficer);
            Assert.Contains(callers, c => c.Role == Role.Operator);
            Assert.Contains(callers, c => c.Role == Role.EventRelay);

            // Reads first (rule 4 compares a change with the same caller's read of the record), then changes.
            var cells = new ConcurrentBag<Cell>();
            IReadOnlyDictionary<(string, string), int?> reads = new Dictionary<(string, string), int?>();
            foreach (var batch in new[] { operations.Where(o => o.Method == "GET"), operations.Where(o => o.Method != "GET") })
            {
                var work = batch.SelectMany(o => callers.Select(c => (Operation: o, Caller: c))).ToList();
                await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (item, ct) =>
                {
                    var (operation, caller) = item;
                    var client = clients[operation.Service];
                    var unknown = await SendAsync(client, operation, caller, operation.PathWith(null), ct);
                    (int Status, string? Body)? real = null;
                    int? current = null;
                    string? recordPath = null;
                    var key = operation.CollectionPath + "|" + operation.FirstParameter;
                    if (operation.FirstParameter is not null && ids.TryGetValue(key, out var id))
                    {
                        recordPath = operation.RecordPath(id);
                        real = await SendAsync(client, operation, caller, operation.PathWith(id), ct);
                        // Rule 4 with the record's current version too: a hidden record must not reach the decider (409)
                        // nor the version check (412, 428) however right the If-Match is.
                        if (operation.Method != "GET" && reads.TryGetValue((caller.Name, recordPath), out var read) && read == 404
                            && await ETagAsync(client, recordPath, listers[key], ct) is { } etag)
                        {
                            current = (await SendAsync(client, operation, caller, operation.PathWith(id), ct, etag)).Status;
                        }
                    }
                    cells.Add(new Cell(operation, caller, unknown.Status, real?.Status, recordPath, unknown.Body, real?.Body, current));
                });
                reads = cells.Where(c => c.Operation.Method == "GET" && c.RecordPath is not null && c.Operation.IsRecordRead)
                    .GroupBy(c => (c.Caller.Name, c.RecordPath!)).ToDictionary(g => g.Key, g => g.First().Real);
            }
            var failures = new List<string>();
            foreach (var cell in cells)
            {
                failures.AddRange(Check(cell, reads));
            }
            var requests = cells.Sum(c => 1 + (c.Real is null ? 0 : 1) + (c.Current is null ? 0 : 1));
            var withRecord = cells.Count(c => c.Real is not null);
            output.WriteLine($"{operations.Count} operations × {callers.Count} callers ({Enum.GetValues<Role>().Length} roles × 2 counties) = " +
                $"{cells.Count} cells, {withRecord} of them on a seeded record too, {cells.Count(c => c.Current is not null)} changes of a hidden record " +
                $"with its current version too; {requests} requests; {failures.Count} cells wrong");
            output.WriteLine("answers: " + string.Join(", ", cells.SelectMany(c => new[] { c.Unknown, c.Real, c.Current }.OfType<int>())
                .GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
            output.WriteLine($"operations with a seeded record: {ids.Count} record kinds; without: " +
                string.Join(", ", operations.Where(o => o.FirstParameter is not null && !ids.ContainsKey(o.CollectionPath + "|" + o.FirstParameter))
                    .Select(o => o.CollectionPath).Distinct()));
            Assert.True(failures.Count == 0, $"{failures.Count} cells answered against the policy:\n" + string.Join("\n", failures.Take(60)));
            foreach (var service in system.Running)
            {
                var own = cells.Where(c => c.Operation.Service == service && c.Operation.Method != "GET" && c.RecordPath is not null).ToList();
                var hidden = own.Where(c => reads.GetValueOrDefault((c.Caller.Name, c.RecordPath!)) == 404 && c.Current == 404).ToList();
                var refused = own.Where(c => reads.GetValueOrDefault((c.Caller.Name, c.RecordPath!)) == 200 && c.Real == 403).ToList();
                output.WriteLine($"{service}: {hidden.Count} changes of a hidden record refused 404 (current If-Match), " +
                    $"{refused.Count} changes of a readable record refused 403");
                Assert.True(hidden.Count > 0, $"{service}: no change of a record hidden from its caller was tried");
                Assert.True(refused.Count > 0, $"{service}: no change of a record its caller may read but not change was tried");
            }
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
    }

    private static IEnumerable<string> Check(Cell cell, IReadOnlyDictionary<(string, string), int?> reads)
    {
        var (operation, caller) = (cell.Operation, cell.Caller);
        var where = $"{caller.Name} {operation.Method} {operation.Path}";
        var answers = cell.Real is { } r ? new[] { cell.Unknown, r } : [cell.Unknown];
        // 1. Operator and EventRelay separation.
        if (operation.IsOperations)
        {
            if (caller.Role == Role.Operator)
            {
                if (answers.Any(a => a is 401 or 403)) yield return $"{where}: {string.Join('/', answers)}, but operators use the operations endpoints";
            }
            else if (answers.Any(a => a != 403))
            {
                yield return $"{where}: {string.Join('/', answers)}, but only operators use the operations endpoints (403)";
            }
            yield break;
        }
        if (caller.Role is Role.Operator || caller.Role.ToString() == "EventRelay")
        {
            if (answers.Any(a => a != 403)) yield return $"{where}: {string.Join('/', answers)}, but {caller.Role} reads no domain data (403)";
            yield break;
        }
        if (answers.Any(a => a >= 500)) yield return $"{where}: {string.Join('/', answers)} (5xx)";
        if (operation.FirstParameter is not null)
        {
            // 2. An unknown id: refused; a read of what lies under an id (a student's registrations, a school's figures)
            // may instead answer 200 with nothing in it.
            if (cell.Unknown is not (400 or 403 or 404) && !(cell.Unknown == 200 && operation.Method == "GET" && !operation.IsRecordRead))
            {
                yield return $"{where} (unknown id): {cell.Unknown}, expected 404 (or 403, or 400 for the body)";
            }
            if (cell.Real is { } real)
            {
                // 3. Another county's record looks like none: the same answer, and no more in it.
                if (caller.Region == Other && !PublicAcrossCounties.ContainsKey(operation.CollectionPath))
                {
                    if (real != cell.Unknown)
                    {
                        yield return $"{where} (a record of {Own}): {real}, but as for an unknown id: {cell.Unknown}";
                    }
                    else if (real == 200 && Total(cell.RealBody) is { } seen && seen != (Total(cell.Body) ?? 0))
                    {
                        yield return $"{where} (a record of {Own}): {seen} items, but {Total(cell.Body)} for an unknown id";
                    }
                }
                // 4. Hidden on read: a change answers as for an unknown id.
                if (operation.Method != "GET" && cell.RecordPath is not null
                    && reads.TryGetValue((caller.Name, cell.RecordPath), out var read) && read == 404)
                {
                    if (real != cell.Unknown)
                    {
                        yield return $"{where}: {real} on a record its read hides (404), expected as for an unknown id: {cell.Unknown}";
                    }
                    if (cell.Current is { } current && current != cell.Unknown)
                    {
                        yield return $"{where}: {current} with the current If-Match on a record its read hides (404), expected as for an unknown id: {cell.Unknown}";
                    }
                }
            }
        }
        // 6. Readable but not theirs to change: 403.
        if (operation.Method != "GET" && operation.PathParameters.Count == 1 && cell.RecordPath is not null && cell.Real == 404
            && reads.TryGetValue((caller.Name, cell.RecordPath), out var readAnswer) && readAnswer == 200)
        {
            yield return $"{where}: 404 on a record the caller reads (200), expected 403 (or the change's own answer)";
        }
        if (operation.Method == "GET")
        {
            // 5. Lists stay inside the caller's region.
            foreach (var county in Counties(cell.Body).Concat(Counties(cell.RealBody)))
            {
                if (!county.StartsWith(caller.Region, StringComparison.Ordinal) && !PublicAcrossCounties.ContainsKey(operation.CollectionPath))
                {
                    yield return $"{where}: lists a record of {county}, outside the caller's region {caller.Region}";
                    break;
                }
            }
        }
    }

    private static int? Total(string? body)
    {
        if (body is null || !body.StartsWith('{')) return null;
        try { return JsonNode.Parse(body)?["total"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>The county of every item of a page: its countyCode, or a subscription's requesting department's and
    /// delivered region when they are a county.</summary>
    private static IEnumerable<string> Counties(string? body)
    {
        if (body is null || !body.StartsWith('{')) yield break;
        JsonNode? node;
        try { node = JsonNode.Parse(body); } catch (JsonException) { yield break; }
        if (node?["items"] is not JsonArray items) yield break;
        foreach (var item in items.OfType<JsonObject>())
        {
            // A field of that name that is not an object elsewhere (a string "scope") is not a subscription's scope.
            foreach (var field in new[] { item["countyCode"], item["division"], item["ownerRegion"],
                (item["scope"] as JsonObject)?["region"], (item["pending"] as JsonObject)?["region"] })
            {
                if (field is JsonValue v && v.TryGetValue<string>(out var county) && county.Length == 6) yield return county;
            }
        }
    }

    /// <summary>The record's ETag as someone who may read it sees it now.</summary>
    private static async Task<string?> ETagAsync(HttpClient client, string recordPath, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, recordPath + "?purpose=Care");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await client.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? response.Headers.ETag?.Tag : null;
    }

    private static async Task<(int Status, string? Body)> SendAsync(
        HttpClient client, Operation operation, TableCaller caller, string path, CancellationToken ct, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path + operation.Query);
        request.Headers.Authorization = new("Bearer", caller.Token);
        if (operation.Method != "GET")
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch ?? "\"999999\"");
        }
        if (operation.Body is not null)
        {
            request.Content = new StringContent(operation.Body, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request, ct);
        var body = operation.Method == "GET" ? await response.Content.ReadAsStringAsync(ct) : null;
        return ((int)response.StatusCode, body);
    }

    private static TableCaller CallerOf(Role role, string region, World world)
    {
        var own = region == Own;
        var request = new TokenRequest(role, region,
            SchoolId: TokenClaims.NeedsSchool(role) || role == Role.Parent ? own ? world.School : Guid.NewGuid() : null,
            MemberUnitId: role == Role.MemberOfficer ? own ? world.Unit : Guid.NewGuid() : null,
            Subject: $"table-{role}-{region}",
            Department: role == Role.DepartmentOfficer ? Department.PublicSecurity : null);
        return new TableCaller($"{role}@{(own ? "own" : "other")}", role, region, TestSystem.Token(request));
    }

    /// <summary>One seeded record id per kind: the first item of the list beside the record's path, as seen by the
    /// county, the province, the seeded school's admin or the seeded unit's officer.</summary>
    private async Task<(Dictionary<string, string> Ids, Dictionary<string, string> Listers)> HarvestAsync(
        List<Operation> operations, World world, Dictionary<string, HttpClient> clients)
    {
        // Then every school's admin and every unit's officer of the county: the seed spreads its records (a plan, a
        // bullying case, a screening round) over several schools and units.
        var listers = new[]
        {
            TestSystem.Token(new TokenRequest(Role.CountyAdmin, Own, Subject: "table-lister")),
            TestSystem.Token(new TokenRequest(Role.SchoolAdmin, Own, world.School, Subject: "table-lister-school")),
            TestSystem.Token(new TokenRequest(Role.MemberOfficer, Own, MemberUnitId: world.Unit, Subject: "table-lister-unit")),
            TestSystem.Token(new TokenRequest(Role.ProvinceAdmin, "51", Subject: "table-lister-province")),
        }.Concat(world.Schools.Select(school => TestSystem.Token(new TokenRequest(Role.SchoolAdmin, Own, school, Subject: $"table-lister-{school}"))))
        .Concat(world.Units.Select(unit => TestSystem.Token(new TokenRequest(Role.MemberOfficer, Own, MemberUnitId: unit, Subject: $"table-lister-{unit}"))))
        .Concat(Enum.GetValues<Department>().Select(d => TestSystem.Token(new TokenRequest(Role.DepartmentOfficer, Own, Subject: $"table-lister-{d}", Department: d))))
        .ToList();
        var ids = new Dictionary<string, string>();
        var found = new Dictionary<string, string>(); // who listed it, to read its current version
        foreach (var group in operations.Where(o => o.FirstParameter is not null).GroupBy(o => o.CollectionPath + "|" + o.FirstParameter))
        {
            var sample = group.First();
            // A school's or a unit's own paths: the seeded school, the seeded police station.
            if (sample.FirstParameter is "schoolId" or "unitId")
            {
                ids[group.Key] = (sample.FirstParameter == "schoolId" ? world.School : world.Unit).ToString();
                found[group.Key] = listers[sample.FirstParameter == "schoolId" ? 1 : 2];
                continue;
            }
            var list = operations.FirstOrDefault(o => o.Method == "GET" && o.Path == sample.CollectionPath);
            if (list is null) continue;
            foreach (var token in listers)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, sample.CollectionPath + $"?county={Own}&pageSize=50");
                request.Headers.Authorization = new("Bearer", token);
                using var response = await clients[sample.Service].SendAsync(request);
                if (response.StatusCode != HttpStatusCode.OK) continue;
                var page = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                var items = page?["items"] as JsonArray ?? page as JsonArray;
                var id = items?.Select(i => IdOf(i, sample.FirstParameter!)).FirstOrDefault(i => i is not null);
                if (id is not null)
                {
                    ids[group.Key] = id;
                    found[group.Key] = token;
                    break;
                }
            }
        }
        return (ids, found);
    }

    private static string? IdOf(JsonNode? item, string parameter)
    {
        if (item is not JsonObject o) return null;
        foreach (var name in new[] { parameter, "id" })
        {
            if (o[name] is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out _)) return s;
        }
        // A summary names its own id first (studentId, referralId, planId …).
        return o.Select(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out _) ? s : null)
            .FirstOrDefault(s => s is not null);
    }

    /// <param name="School">The callers' school (the county's first).</param>
    /// <param name="Unit">The member officers' unit (the county's police station).</param>
    /// <param name="Schools">Every school of the county.</param>
    /// <param name="Units">Every other unit of the county.</param>
    private sealed record World(Guid School, Guid Unit, IReadOnlyList<Guid> Schools, IReadOnlyList<Guid> Units);

    /// <summary>The county, through the demo seed (its own scripts, as ./run.sh runs them): alliances, schools, units,
    /// resources, needs, responsibilities, activities, programmes, courses, hazards, cases, plans, care records.</summary>
    private async Task<World> SeedAsync()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "scripts", "seed", "10-alliances.sh")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("scripts/seed not found above the tests");
        }
        // .NET's search patterns know * and ? only (no [0-9]): the numbered steps are picked by name.
        var steps = Directory.GetFiles(Path.Combine(root, "scripts", "seed"), "*.sh")
            .Where(f => Path.GetFileName(f) is [>= '0' and <= '9', >= '0' and <= '9', '-', ..])
            // The subscriptions step needs that service, which this system runs only when asked to.
            .Where(f => !f.EndsWith("-subscriptions.sh", StringComparison.Ordinal) || system.Running.Contains("subscriptions"))
            .Order().ToList();
        Assert.NotEmpty(steps);
        foreach (var step in steps)
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(step);
            start.ArgumentList.Add(system.GatewayAddress.ToString().TrimEnd('/'));
            start.Environment["JLT_SEED_REGION"] = Own;
            start.Environment["JLT_SEED_AFTERSCHOOL"] = Own;
            start.Environment["JLT_SEED_LEGAL_COUNTIES"] = Own;
            start.Environment["JLT_SEED_HEALTH_COUNTIES"] = Own;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(300)).Token);
            output.WriteLine($"{Path.GetFileName(step)}: exit {process.ExitCode}\n{await stdout}{await stderr}");
            Assert.True(process.ExitCode == 0, $"{Path.GetFileName(step)} exit {process.ExitCode}: {await stdout}{await stderr}");
        }
        using var county = system.Client(Role.CountyAdmin, Own);
        var units = (await (await county.GetAsync($"/api/alliances/units?county={Own}&pageSize=100")).ReadJson()).Items()
            .Select(u => (Id: u.Id(), Kind: u.GetProperty("kind").GetString())).ToList();
        var schools = units.Where(u => u.Kind == "School").Select(u => u.Id).ToList();
        var others = units.Where(u => u.Kind != "School").Select(u => u.Id).ToList();
        return new World(schools[0], units.First(u => u.Kind == "PoliceStation").Id, schools, others);
    }

    private sealed record TableCaller(string Name, Role Role, string Region, string Token);

    /// <param name="Current">The change on the seeded record with its current If-Match, when the caller's read hides it.</param>
    private sealed record Cell(
        Operation Operation, TableCaller Caller, int Unknown, int? Real, string? RecordPath, string? Body, string? RealBody, int? Current = null);

    /// <summary>One operation of a document, with a plausible body and query (OpenApiFuzzTests' valid values).</summary>
    private sealed record Operation(string Service, string Method, string Path, IReadOnlyList<string> PathParameters, string Query, string? Body)
    {
        public string? FirstParameter => PathParameters.Count > 0 ? PathParameters[0] : null;

        /// <summary>The path before the first parameter: the list the record belongs to.</summary>
        public string CollectionPath => FirstParameter is null ? Path : Path[..Path.IndexOf('{')].TrimEnd('/');

        /// <summary>A read of the record itself (<c>GET list/{id}</c>).</summary>
        public bool IsRecordRead => Method == "GET" && PathParameters.Count == 1 && Path.EndsWith('}');

        public bool IsOperations => Path.Contains("/operations/", StringComparison.Ordinal);

        public string RecordPath(string id) => $"{CollectionPath}/{id}";

        /// <summary>The path with the first parameter as <paramref name="id"/> (null: an unknown id) and fresh ids for the rest.</summary>
        public string PathWith(string? id)
        {
            var path = Path;
            for (var i = 0; i < PathParameters.Count; i++)
            {
                path = path.Replace($"{{{PathParameters[i]}}}", i == 0 && id is not null ? id : Guid.NewGuid().ToString());
            }
            return path;
        }

        public static IEnumerable<Operation> From(string service, JsonNode document)
        {
            var schemas = document["components"]?["schemas"]?.AsObject();
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, node) in item!.AsObject())
                {
                    if (node is not JsonObject operation || method is "parameters") continue;
                    var parameters = (operation["parameters"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
                    var pathParameters = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList();
                    // Only Guid parameters are ids; a class name or a day in the path stays a plausible value.
                    var fixedPath = parameters.Where(p => (string?)p["in"] == "path" && (string?)p["schema"]?["format"] != "uuid")
                        .Aggregate(path, (p, parameter) => p.Replace($"{{{parameter["name"]}}}",
                            Uri.EscapeDataString(OpenApiFuzzTests.Probes.Valid(parameter["schema"], schemas)?.ToString() ?? "x")));
                    var ids = pathParameters.Where(n => fixedPath.Contains($"{{{n}}}")).ToList();
                    var query = "?" + string.Join("&", parameters.Where(p => (string?)p["in"] == "query" && (bool?)p["required"] == true)
                        .Select(p => $"{p["name"]}={Uri.EscapeDataString(OpenApiFuzzTests.Probes.Valid(p["schema"], schemas) is JsonValue v && v.TryGetValue<string>(out var s) ? s : "1")}"));
                    if ((string?)parameters.FirstOrDefault(p => (string?)p["name"] == "purpose")?["in"] == "query" && !query.Contains("purpose="))
                    {
                        query += "&purpose=Care";
                    }
                    var body = operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema
                        ? OpenApiFuzzTests.Probes.Valid(schema, schemas)?.ToJsonString() : null;
                    yield return new Operation(service, method.ToUpperInvariant(), fixedPath, ids, query, body);
                }
            }
        }
    }
}
