using System.Collections.Concurrent;
using System.Text.Json;
using JiaoLianTi.Console.Components.Shared;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// What the pickers choose from, read from the API with the person's scope: the units directory (searched on the
/// server by name), the alliances (all pages), an alliance's members and published resources. Unit names are kept for
/// the circuit, so a list of ids (members, attendees) shows names.
/// </summary>
public sealed class PickerSources(GatewayClient gateway)
{
    private readonly ConcurrentDictionary<string, string> unitNames = new();

    /// <summary>The directory: <c>GET /api/alliances/units?q=</c> (server-side search by name), 20 a page.</summary>
    public Func<string, int, Task<NamePicker.Answer>> Units(string? kind = null, string? county = null) => async (search, page) =>
    {
        var answer = await gateway.GetAsync<JsonElement>(Q.Of("api/alliances/units", ("q", search), ("kind", kind), ("county", county), ("page", page), ("pageSize", 20)));
        return Page(answer, u =>
        {
            unitNames[u.Str("id")] = u.Str("name");
            return new PickerOption(u.Str("id"), u.Str("name"), $"{Labels.Chinese(u.Str("kind"))} · {u.Str("countyCode")}");
        });
    };

    /// <summary>The alliances the person may see (the API has no name search: every page can be loaded).</summary>
    public Func<string, int, Task<NamePicker.Answer>> Alliances(string? status = "Established", Guid? unitId = null) => async (_, page) =>
        Page(await gateway.GetAsync<JsonElement>(Q.Of("api/alliances", ("status", status), ("unitId", unitId), ("page", page), ("pageSize", 100))),
            a => new PickerOption(a.Str("id"), a.Str("name"), $"{Labels.Chinese(a.Str("kind"))} · {a.Str("countyCode")}"));

    /// <summary>An alliance's present members, by name.</summary>
    public Func<string, int, Task<NamePicker.Answer>> Members(Guid alliance) => async (_, _) =>
    {
        var answer = await gateway.GetAsync<JsonElement>($"api/alliances/{alliance}");
        if (!answer.Ok) return new NamePicker.Answer([], 0, answer.Problem);
        var members = answer.Value.Items("members").Select(m => (Id: m.Str("unitId"), Kind: m.Str("unitKind"), Role: m.Str("role"))).ToList();
        var names = await Task.WhenAll(members.Select(m => UnitNameAsync(m.Id)));
        var options = members.Select((m, i) => new PickerOption(m.Id, names[i] ?? m.Id, $"{Labels.Chinese(m.Kind)} · {Labels.Chinese(m.Role)}")).ToList();
        return new NamePicker.Answer(options, options.Count, null);
    };

    /// <summary>The unit kinds a child may be referred to (Wellbeing's medical members).</summary>
    public static readonly string[] MedicalKinds = ["Hospital", "MentalHealthCentre"];

    /// <summary>The unit kinds a legal vice-principal comes from (CampusSafety's LegalUnits).</summary>
    public static readonly string[] LegalKinds = ["PoliceStation", "Procuratorate", "Court"];

    /// <summary>转介对象: the units Wellbeing accepts a referral to (<see cref="MembersOfKinds"/>).</summary>
    public Func<string, int, Task<NamePicker.Answer>> MedicalMembers(Guid school) => MembersOfKinds(school, MedicalKinds);

    /// <summary>法治副校长的派出单位: the police stations, procuratorates and courts of the school's alliances.</summary>
    public Func<string, int, Task<NamePicker.Answer>> LegalMembers(Guid school) => MembersOfKinds(school, LegalKinds);

    /// <summary>
    /// The members of the given kinds of the established alliances a school (or any unit) belongs to, each once, by name with its kind
    /// and alliance: the units the services accept for the school (a referral's hospital, a legal vice-principal's court).
    /// </summary>
    public Func<string, int, Task<NamePicker.Answer>> MembersOfKinds(Guid school, IReadOnlyCollection<string> kinds) => async (_, _) =>
    {
        var alliances = await gateway.GetAsync<JsonElement>(Q.Of("api/alliances", ("status", "Established"), ("unitId", school), ("pageSize", 100)));
        if (!alliances.Ok) return new NamePicker.Answer([], 0, alliances.Problem);
        var options = new Dictionary<string, PickerOption>();
        foreach (var alliance in alliances.Value.Items())
        {
            var detail = await gateway.GetAsync<JsonElement>($"api/alliances/{alliance.Str("id")}");
            if (!detail.Ok) return new NamePicker.Answer([], 0, detail.Problem);
            foreach (var member in detail.Value.Items("members").Where(m => kinds.Contains(m.Str("unitKind"))))
            {
                var id = member.Str("unitId");
                if (!options.ContainsKey(id))
                {
                    options[id] = new PickerOption(id, await UnitNameAsync(id) ?? id, $"{Labels.UnitKind(member.Str("unitKind"))} · {alliance.Str("name")}");
                }
            }
        }
        return new NamePicker.Answer(options.Values.ToList(), options.Count, null);
    };

    /// <summary>医教互促: the schools of the established alliances a unit (a hospital) belongs to, where it may screen.</summary>
    public Func<string, int, Task<NamePicker.Answer>> SchoolsServedBy(Guid unit) => MembersOfKinds(unit, ["School"]);

    /// <summary>An alliance's published resources, 50 a page.</summary>
    public Func<string, int, Task<NamePicker.Answer>> Resources(Guid alliance) => async (_, page) =>
        Page(await gateway.GetAsync<JsonElement>(Q.Of("api/alliances/resources", ("allianceId", alliance), ("status", "Published"), ("page", page), ("pageSize", 50))),
            r => new PickerOption(r.Str("id"), r.Str("title"), Labels.Chinese(r.Str("kind"))));

    /// <summary>A unit's name (for a value set before the picker loaded it), or null if the API will not say.</summary>
    public async Task<string?> UnitNameAsync(string id)
    {
        if (unitNames.TryGetValue(id, out var known)) return known;
        if (!Guid.TryParse(id, out _)) return null;
        var answer = await gateway.GetAsync<JsonElement>($"api/alliances/units/{id}");
        if (!answer.Ok) return null;
        return unitNames[id] = answer.Value.Str("name");
    }

    public async Task<string?> AllianceNameAsync(string id)
    {
        if (!Guid.TryParse(id, out _)) return null;
        var answer = await gateway.GetAsync<JsonElement>($"api/alliances/{id}");
        return answer.Ok ? answer.Value.Str("name") : null;
    }

    private static NamePicker.Answer Page(ApiResult<JsonElement> answer, Func<JsonElement, PickerOption> option) =>
        answer.Ok
            ? new NamePicker.Answer(answer.Value.Items().Select(option).ToList(), answer.Value.Int("total"), null)
            : new NamePicker.Answer([], 0, answer.Problem);
}
