using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests;

/// <summary>
/// No integration event of any service carries a child's name, birth date, class or free text about a child: every
/// *.Contracts assembly is loaded and every member of every contract that names a student is scanned; so is every
/// payload of the committed event catalogue (docs/events/asyncapi.json), which is what departments are shown.
/// </summary>
public sealed class ContractScanTests
{
    private static readonly string[] NeverAnywhere = ["birth", "dob", "studentname", "childname", "classname", "guardian", "phone", "address", "idcard"];
    private static readonly string[] ChildIds = ["studentid", "childid"];
    private static readonly string[] FreeText = ["name", "notes", "note", "description", "text", "comment", "details", "class", "title", "summary", "remarks", "reasons"];

    public static IEnumerable<Type> Contracts()
    {
        var folder = AppContext.BaseDirectory;
        var assemblies = System.IO.Directory.GetFiles(folder, "*.Contracts.dll").Select(Assembly.LoadFrom).ToArray();
        Assert.True(assemblies.Length >= 5, $"expected the contracts of all five services beside the tests, found {assemblies.Length}");
        // Every exported type with properties: the records are the contracts (static classes of constants have none).
        return assemblies.SelectMany(a => a.GetExportedTypes()).Where(t => t.IsClass && t.GetProperties().Length > 0);
    }

    [Fact]
    public void All_five_services_contracts_are_scanned()
    {
        var names = Contracts().Select(t => t.Assembly.GetName().Name).Distinct().ToArray();
        foreach (var service in new[] { "Alliances", "Activities", "ParentSchool", "CampusSafety", "Wellbeing" })
        {
            Assert.Contains($"{service}.Contracts", names);
        }
    }

    [Fact]
    public void No_contract_carries_personal_details_of_a_child()
    {
        var offences = new List<string>();
        foreach (var type in Contracts())
        {
            var members = type.GetProperties().Select(p => (Name: p.Name.ToLowerInvariant(), p.PropertyType)).ToArray();
            foreach (var member in members.Where(m => NeverAnywhere.Any(m.Name.Contains)))
            {
                offences.Add($"{type.FullName}.{member.Name}");
            }
            if (members.Any(m => ChildIds.Contains(m.Name) || m.Name.EndsWith("studentids", StringComparison.Ordinal)))
            {
                foreach (var member in members.Where(m => m.PropertyType == typeof(string) && FreeText.Contains(m.Name)))
                {
                    offences.Add($"{type.FullName}.{member.Name} (free text beside a student id)");
                }
            }
        }
        Assert.True(offences.Count == 0, "contracts carrying a child's personal data: " + string.Join(", ", offences));
    }

    [Fact]
    public void No_payload_of_the_event_catalogue_carries_personal_details_of_a_child()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "JiaoLianTi.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        var catalogue = JsonNode.Parse(File.ReadAllText(Path.Combine(root!.FullName, "docs", "events", "asyncapi.json")))!;
        var schemas = catalogue["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.Count >= Contracts().Count(t => t.GetMethod("<Clone>$") is not null),
            "every contract is in the catalogue (dotnet run --project tools/EventCatalogue)");
        var offences = new List<string>();
        foreach (var (name, schema) in schemas)
        {
            var members = schema!["properties"]!.AsObject()
                .Select(p => (Name: p.Key.ToLowerInvariant(), Type: p.Value!["type"]?.ToJsonString() ?? "")).ToArray();
            offences.AddRange(members.Where(m => NeverAnywhere.Any(m.Name.Contains)).Select(m => $"{name}.{m.Name}"));
            if (members.Any(m => ChildIds.Contains(m.Name) || m.Name.EndsWith("studentids", StringComparison.Ordinal)))
            {
                offences.AddRange(members.Where(m => m.Type.Contains("string") && FreeText.Contains(m.Name))
                    .Select(m => $"{name}.{m.Name} (free text beside a student id)"));
            }
            // A student appears by opaque id only: a uuid, nothing else.
            foreach (var (field, type) in schema["properties"]!.AsObject().Where(p => ChildIds.Contains(p.Key.ToLowerInvariant())))
            {
                if ((string?)type!["format"] != "uuid")
                {
                    offences.Add($"{name}.{field} (not an opaque id)");
                }
            }
        }
        Assert.True(offences.Count == 0, "catalogue payloads carrying a child's personal data: " + string.Join(", ", offences));
    }
}
