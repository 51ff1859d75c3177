using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MassTransit.Serialization;

namespace JiaoLianTi.EventCatalogue;

/// <summary>One field of a contract, as it travels (camelCase, MassTransit's System.Text.Json).
/// <paramref name="Example"/> is the first code (<c>&lt;c&gt;X&lt;/c&gt;</c>) its documentation names, if any.</summary>
public sealed record Field(string Name, Type Type, bool Required, string? Description, string? Example = null);

/// <summary>
/// One integration event of the catalogue: its contract record, the service that publishes it, its version, its Chinese
/// and English descriptions (the <c>&lt;zh&gt;</c>, <c>&lt;en&gt;</c> and <c>&lt;version&gt;</c> elements of the record's
/// XML documentation in its Contracts project), its fields, and where its division code comes from.
/// </summary>
public sealed record EventEntry(
    Type Contract, string Service, string Version, string Chinese, string English, IReadOnlyList<Field> Fields)
{
    public string Name => Contract.Name;

    /// <summary>The Chinese title: the Chinese description up to its first colon (隐患分派).</summary>
    public string ChineseTitle => Chinese.Split('：', ':')[0];

    /// <summary>MassTransit's exchange for the contract (fanout, durable): <c>Namespace:Name</c>.</summary>
    public string Exchange => $"{Contract.Namespace}:{Contract.Name}";

    /// <summary>
    /// Where the division code of the routing key on <c>jlt.departments</c> comes from: the contract's own county or
    /// region field, else the school's, unit's or alliance's county as the Alliances replica knows it; null when the
    /// event concerns no place (it is not routed to departments).
    /// </summary>
    public string? DivisionFrom => FirstField("countyCode", "regionCode", "schoolId", "unitId", "providerUnitId", "allianceId");

    /// <summary>
    /// 数据分级 The data class. Every event carries opaque ids only; <c>opaque-person-ids</c> when one of them stands for a
    /// person (a student, a parent), <c>no-personal-data</c> otherwise.
    /// </summary>
    public string DataClass => Fields.Any(f => PersonIds.Contains(f.Name)) ? "opaque-person-ids" : "no-personal-data";

    public static readonly string[] PersonIds = ["studentId", "studentIds", "parentId", "parentReporter"];

    private string? FirstField(params string[] names) => names.FirstOrDefault(n => Fields.Any(f => f.Name == n));
}

/// <summary>Reads the catalogue from the Contracts assemblies.</summary>
public static class Catalogue
{
    public static readonly string[] Services = ["Alliances", "Activities", "ParentSchool", "CampusSafety", "Wellbeing"];

    /// <summary>The topic exchange departments' queues are bound to (the Subscriptions service publishes to it).</summary>
    public const string DepartmentsExchange = "jlt.departments";

    /// <summary>The five Contracts assemblies (loaded by the types this tool references).</summary>
    public static IReadOnlyList<Assembly> Assemblies() =>
    [
        typeof(Alliances.Contracts.AllianceEstablished).Assembly,
        typeof(Activities.Contracts.ActivityPublished).Assembly,
        typeof(ParentSchool.Contracts.CoursePublished).Assembly,
        typeof(CampusSafety.Contracts.HazardReported).Assembly,
        typeof(Wellbeing.Contracts.ReferralMade).Assembly,
    ];

    /// <summary>Every integration event, by service then name. Throws when an event lacks a description.</summary>
    public static IReadOnlyList<EventEntry> Read() => Read(Assemblies());

    public static IReadOnlyList<EventEntry> Read(IEnumerable<Assembly> assemblies)
    {
        var entries = new List<EventEntry>();
        var missing = new List<string>();
        foreach (var assembly in assemblies)
        {
            var service = assembly.GetName().Name!.Replace(".Contracts", "", StringComparison.Ordinal);
            var docs = XmlDocs.For(assembly);
            foreach (var contract in ContractTypes(assembly).OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                var doc = docs.Of(contract);
                var zh = doc?.Element("zh")?.Value.Trim();
                var en = doc?.Element("en")?.Value.Trim();
                if (string.IsNullOrEmpty(zh) || string.IsNullOrEmpty(en))
                {
                    missing.Add(contract.FullName!);
                    continue;
                }
                entries.Add(new EventEntry(contract, service, doc!.Element("version")?.Value.Trim() ?? "1", zh, en,
                    FieldsOf(contract, doc)));
            }
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "These contracts have no <zh> and <en> description in their XML documentation: " + string.Join(", ", missing));
        }
        return entries.OrderBy(e => Array.IndexOf(Services, e.Service)).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The integration events of a Contracts assembly: its public records (static classes of codes are not).</summary>
    public static IEnumerable<Type> ContractTypes(Assembly contracts) => contracts.GetExportedTypes()
        .Where(t => t.IsClass && t.Namespace?.EndsWith(".Contracts", StringComparison.Ordinal) == true
            && t.GetMethod("<Clone>$") is not null);

    private static IReadOnlyList<Field> FieldsOf(Type contract, XElement doc)
    {
        var constructor = contract.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var nullability = new NullabilityInfoContext();
        return constructor.GetParameters().Select(p =>
        {
            var nullable = Nullable.GetUnderlyingType(p.ParameterType) is not null
                || nullability.Create(p).ReadState == NullabilityState.Nullable;
            var text = doc.Elements("param").FirstOrDefault(e => (string?)e.Attribute("name") == p.Name);
            return new Field(JsonNamingPolicy.CamelCase.ConvertName(p.Name!), p.ParameterType, !nullable && !p.HasDefaultValue,
                text is null ? null : Plain(text), text?.Descendants("c").FirstOrDefault()?.Value);
        }).ToList();
    }

    /// <summary>The text of a doc element: <c>&lt;c&gt;X&lt;/c&gt;</c> as X, a cref or paramref as its name.</summary>
    public static string Plain(XElement element) => Regex.Replace(string.Concat(element.Nodes().Select(n => n switch
    {
        XText t => t.Value,
        XElement { Name.LocalName: "see" or "paramref" } e =>
            ((string?)e.Attribute("cref") ?? (string?)e.Attribute("name") ?? e.Value).Split('.', ':')[^1],
        XElement e => Plain(e),
        _ => "",
    })), @"\s+", " ").Trim();

    /// <summary>The JSON options the live messages are written with (MassTransit's), so examples are what travels.</summary>
    public static JsonSerializerOptions WireOptions => SystemTextJsonMessageSerializer.Options;
}

/// <summary>An assembly's XML documentation file (its Contracts project generates one, copied beside the assembly).</summary>
public sealed class XmlDocs
{
    private readonly Dictionary<string, XElement> members;

    private XmlDocs(Dictionary<string, XElement> members) => this.members = members;

    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The XML documentation of {assembly.GetName().Name} is missing beside it.", path);
        }
        return new XmlDocs(XDocument.Load(path).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, m => m));
    }

    public XElement? Of(Type type) => members.GetValueOrDefault("T:" + type.FullName);
}
