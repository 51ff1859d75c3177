using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using JiaoLianTi.EventCatalogue;
using JiaoLianTi.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.Catalogue.Tests;

/// <summary>
/// 事件目录: the committed AsyncAPI document (docs/events/asyncapi.json) is valid for the official AsyncAPI parser, says
/// what the issue asks of each event, agrees with the contracts in the code (a breaking change fails; additions pass
/// and regenerate it), and is what the gateway serves.
/// </summary>
public sealed class CatalogueTests(ITestOutputHelper output)
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string Committed = Path.Combine(Root, "docs", "events", "asyncapi.json");
    /// <summary>The committed catalogue as it was when the tests began (one test may regenerate the file).</summary>
    private static readonly string CommittedText = File.ReadAllText(Committed);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JiaoLianTi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("the tests run inside the repository");
    }

    private static JsonNode Generated() => AsyncApi.Document(EventCatalogue.Catalogue.Read());

    /// <summary>The AsyncAPI parser's node_modules: JLT_ASYNCAPI (test.sh sets it), else installed now by the script.</summary>
    private static string ParserModules()
    {
        if (Environment.GetEnvironmentVariable("JLT_ASYNCAPI") is { Length: > 0 } set)
        {
            return set;
        }
        var (code, text) = Run("bash", Path.Combine(Root, "scripts", "asyncapi-tools.sh"));
        Assert.True(code == 0, "scripts/asyncapi-tools.sh could not install @asyncapi/parser: " + text);
        return text.Trim().Split('\n')[^1];
    }

    private static (int Code, string Output) Validate(string document) =>
        Run("node", Path.Combine(Root, "tools", "EventCatalogue", "validate.cjs"), ParserModules(), document);

    private static (int Code, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string TempFile(JsonNode document)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jlt-asyncapi-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Writer.Json(document));
        return path;
    }

    [Fact]
    public void The_committed_catalogue_is_a_valid_AsyncAPI_3_document()
    {
        var (code, text) = Validate(Committed);
        output.WriteLine(text);
        Assert.True(code == 0, text);
        Assert.Contains("\"valid\":true", text);
        Assert.Contains("\"version\":\"3.0.0\"", text);
    }

    [Fact]
    public void What_the_code_generates_now_is_valid_too()
    {
        var path = TempFile(Generated());
        var (code, text) = Validate(path);
        File.Delete(path);
        Assert.True(code == 0, text);
    }

    [Fact]
    public void The_validator_refuses_a_broken_document_and_an_example_that_does_not_fit_its_payload()
    {
        var dangling = Generated();
        dangling["channels"]!["HazardAssigned"]!["messages"]!["HazardAssigned"] = new JsonObject { ["$ref"] = "#/components/messages/Nope" };
        var badExample = Generated();
        badExample["components"]!["messages"]!["HazardAssigned"]!["examples"]![0]!["payload"]!["reportId"] = 12;
        var notAsyncApi = Generated();
        notAsyncApi["asyncapi"] = "9.9.9";
        foreach (var (document, expected) in new[] { (dangling, "invalid-ref"), (badExample, "reportId"), (notAsyncApi, "asyncapi") })
        {
            var path = TempFile(document);
            var (code, text) = Validate(path);
            File.Delete(path);
            Assert.True(code != 0, $"the validator accepted a broken document: {text}");
            Assert.Contains(expected, text);
        }
    }

    [Fact]
    public void Every_event_of_the_five_services_has_what_the_catalogue_promises()
    {
        var events = EventCatalogue.Catalogue.Read();
        Assert.Equal(EventCatalogue.Catalogue.Services, events.Select(e => e.Service).Distinct());
        var document = JsonNode.Parse(CommittedText)!;
        var messages = document["components"]!["messages"]!.AsObject();
        foreach (var e in events)
        {
            var message = messages[e.Name];
            Assert.True(message is not null, $"{e.Name} is not in the committed catalogue: {AsyncApi.RegenerateCommand}");
            Assert.Contains(((string)message!["description"]!).ToCharArray(), c => c is >= '\u4e00' and <= '\u9fff');
            Assert.False(string.IsNullOrWhiteSpace((string?)message["summary"]), $"{e.Name} has no English description");
            Assert.NotNull(message["payload"]);
            Assert.NotEmpty(message["examples"]!.AsArray());
            var facts = message["x-jlt"]!;
            Assert.Equal(e.Service, (string?)facts["service"]);
            Assert.False(string.IsNullOrEmpty((string?)facts["version"]));
            Assert.Equal($"{e.Contract.Namespace}:{e.Name}", (string?)facts["exchange"]);
            Assert.Contains((string?)facts["dataClass"], new[] { "opaque-person-ids", "no-personal-data" });
            if (facts["routingKey"] is { } key)
            {
                Assert.Equal($"{e.Name}.{{province}}.{{city}}.{{county}}", (string?)key);
                Assert.Equal(EventCatalogue.Catalogue.DepartmentsExchange, (string?)facts["departmentsExchange"]);
            }
        }
        // What departments subscribe to is routed by division (issue 13: hazards, referrals, care, duties and needs).
        foreach (var name in new[] { "HazardAssigned", "HazardOverdue", "ReferralMade", "SupportPlanOpened", "CrisisEscalated",
                     "ResponsibilityAssigned", "ResponsibilityOverdue", "NeedRaised", "NeedAccepted" })
        {
            Assert.NotNull(messages[name]!["x-jlt"]!["routingKey"]);
        }
    }

    [Fact]
    public void The_contracts_in_the_code_break_nothing_the_committed_catalogue_promises()
    {
        var committed = JsonNode.Parse(CommittedText)!;
        var current = Generated();
        var report = Compatibility.Compare(committed, current);
        Assert.True(report.Breaking.Count == 0,
            "破坏性变更 Breaking changes to published contracts (a subscriber relies on them): " + string.Join("; ", report.Breaking) +
            ". Keep the field and add an optional one, or publish a new record; if the break is agreed with every subscriber, " +
            $"regenerate the catalogue ({AsyncApi.RegenerateCommand}) and commit it.");
        if (Writer.Json(current) != CommittedText)
        {
            // Additions (and new words) pass: the catalogue is regenerated here, to be committed with the change.
            File.WriteAllText(Committed, Writer.Json(current));
            File.WriteAllText(Path.Combine(Root, "docs", "events", "catalogue.md"), Markdown.Page(EventCatalogue.Catalogue.Read()));
            output.WriteLine($"docs/events/asyncapi.json and catalogue.md were behind the code and were regenerated " +
                $"({AsyncApi.RegenerateCommand}); commit them. Additions: {string.Join("; ", report.Additions)}");
        }
    }

    [Fact]
    public void The_compatibility_check_fails_a_removed_renamed_or_retyped_field_and_passes_additions()
    {
        var committed = Generated();

        var removed = Generated();
        removed["components"]!["schemas"]!["HazardAssigned"]!["properties"]!.AsObject().Remove("unitId");
        Assert.Contains("HazardAssigned.unitId: the field is gone (removed or renamed)", Compatibility.Compare(committed, removed).Breaking);

        var renamed = Generated();
        var properties = renamed["components"]!["schemas"]!["ReferralMade"]!["properties"]!.AsObject();
        var urgency = properties["urgency"]!.DeepClone();
        properties.Remove("urgency");
        properties["priority"] = urgency;
        var renaming = Compatibility.Compare(committed, renamed);
        Assert.Contains("ReferralMade.urgency: the field is gone (removed or renamed)", renaming.Breaking);
        Assert.Contains("ReferralMade.priority: a new field", renaming.Additions);

        var retyped = Generated();
        retyped["components"]!["schemas"]!["BullyingCaseOpened"]!["properties"]!["grade"] = new JsonObject { ["type"] = "string" };
        retyped["components"]!["schemas"]!["HazardAssigned"]!["properties"]!["dueAt"] = new JsonObject { ["type"] = "string", ["format"] = "date" };
        var retyping = Compatibility.Compare(committed, retyped).Breaking;
        Assert.Contains("BullyingCaseOpened.grade: its type changed from integer(int32) to string", retyping);
        Assert.Contains("HazardAssigned.dueAt: its type changed from string(date-time) to string(date)", retyping);

        var loosened = Generated();
        loosened["components"]!["schemas"]!["HazardAssigned"]!["required"]!.AsArray().RemoveAt(0);
        Assert.Single(Compatibility.Compare(committed, loosened).Breaking);

        var gone = Generated();
        gone["components"]!["schemas"]!.AsObject().Remove("DrillCompleted");
        Assert.Contains("DrillCompleted: the event is gone (removed or renamed)", Compatibility.Compare(committed, gone).Breaking);

        var added = Generated();
        added["components"]!["schemas"]!["HazardAssigned"]!["properties"]!["escalationLevel"] = new JsonObject { ["type"] = new JsonArray("string", "null") };
        added["components"]!["schemas"]!["HazardAssigned"]!["description"] = "new words";
        added["components"]!["schemas"]!["HazardInspected"] = committed["components"]!["schemas"]!["HazardResolved"]!.DeepClone();
        var adding = Compatibility.Compare(committed, added);
        Assert.Empty(adding.Breaking);
        Assert.Equal(["HazardAssigned.escalationLevel: a new field", "HazardInspected: a new event"], adding.Additions);
    }

    [Fact]
    public async Task The_gateway_serves_the_committed_catalogue_to_anyone()
    {
        await using var gateway = TestSystem.StandaloneGateway(new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = gateway.Address };
        var response = await client.GetAsync("/api/events/catalogue");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(CommittedText), JsonNode.Parse(await response.Content.ReadAsStringAsync())),
            "the gateway serves another catalogue than docs/events/asyncapi.json (rebuild the gateway)");
    }
}
