using System.Reflection;

namespace JiaoLianTi.Subscriptions.Catalogue;

/// <summary>One integration event a department may subscribe to.</summary>
/// <param name="Type">The contract record's name, as in the event catalogue (docs/events/).</param>
/// <param name="Service">The service that publishes it and answers its replay feed.</param>
/// <param name="NeedsLegalBasis">CampusSafety's and Wellbeing's events: approved at county level or above, with the
/// legal basis recorded.</param>
public sealed record CatalogueEntry(string Type, string Service, bool NeedsLegalBasis)
{
    /// <summary>The contract's CLR type (for the consumers and replay), never in an answer: a Type cannot be written as
    /// JSON (GET /api/subscriptions/catalogue answered 500, found by the OpenAPI fuzz test).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Type ContractType { get; init; } = typeof(object);
}

/// <summary>
/// 事件目录: every integration event of the five services, read from their Contracts assemblies (the same source the
/// published AsyncAPI catalogue is generated from). A contract is a public record in <c>JiaoLianTi.X.Contracts</c>.
/// </summary>
public static class EventCatalogue
{
    /// <summary>The services whose events touch children's safety and care: their owner must state a legal basis.</summary>
    public static readonly string[] SensitiveServices = ["campussafety", "wellbeing"];

    private static readonly Assembly[] Assemblies =
    [
        typeof(Alliances.Contracts.AllianceEstablished).Assembly,
        typeof(Activities.Contracts.ActivityPublished).Assembly,
        typeof(ParentSchool.Contracts.CoursePublished).Assembly,
        typeof(CampusSafety.Contracts.HazardAssigned).Assembly,
        typeof(Wellbeing.Contracts.ReferralMade).Assembly,
    ];

    public static readonly IReadOnlyList<CatalogueEntry> Entries = Assemblies
        .SelectMany(a => a.GetExportedTypes())
        .Where(IsContract)
        .Select(t =>
        {
            var service = t.Namespace!.Split('.')[1].ToLowerInvariant();
            return new CatalogueEntry(t.Name, service, SensitiveServices.Contains(service)) { ContractType = t };
        })
        .OrderBy(e => e.Service, StringComparer.Ordinal).ThenBy(e => e.Type, StringComparer.Ordinal)
        .ToList();

    private static readonly Dictionary<string, CatalogueEntry> ByName = Entries.ToDictionary(e => e.Type, StringComparer.Ordinal);

    public static CatalogueEntry? Find(string type) => ByName.GetValueOrDefault(type);

    public static bool Contains(string type) => ByName.ContainsKey(type);

    /// <summary>A contract: a public, sealed record (it has a compiler-made <c>&lt;Clone&gt;$</c>) of a Contracts namespace.</summary>
    private static bool IsContract(Type type) =>
        type is { IsClass: true, IsSealed: true, IsGenericType: false, Namespace: not null }
        && type.Namespace.StartsWith("JiaoLianTi.", StringComparison.Ordinal)
        && type.Namespace.EndsWith(".Contracts", StringComparison.Ordinal)
        && type.GetMethod("<Clone>$") is not null;
}
