using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Units;

/// <summary>The body of <c>POST /api/alliances/units</c>.</summary>
public sealed record RegisterUnitRequest(
    MemberUnitKind? Kind, string? Name, string? CountyCode, string? ContactOfficer, string? ContactPhone);

public sealed record RegisterUnitsRequest(IReadOnlyList<RegisterUnitRequest>? Units);
public sealed record ContactRequest(string? ContactOfficer, string? ContactPhone);

public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alliances/units").WithTags("Member units 成员单位");
        group.MapPost("/", Register).WithSummary("登记成员单位 / Register a unit");
        group.MapPost("/batch", RegisterMany).WithSummary("批量登记成员单位 / Register several units at once");
        group.MapGet("/", List).WithSummary("成员单位名录 / The directory of units");
        group.MapGet("/{id:guid}", Get).WithSummary("成员单位 / A unit");
        group.MapPut("/{id:guid}/contact", ChangeContact).WithSummary("更换联络员 / Change the contact officer");
        return group;
    }

    private static async Task<Created<MemberUnit>> Register(
        RegisterUnitRequest request, HttpContext http, IDocumentSession session, Divisions divisions, TimeProvider clock,
        CancellationToken ct)
    {
        var command = Validate(request, "", http.Caller(), divisions, clock.GetUtcNow());
        return await session.Start<MemberUnit>(http, command.UnitId, MemberUnitDecider.Decide(command, null),
            $"/api/alliances/units/{command.UnitId}", ct, inMemory: true);
    }

    private static async Task<Created<IReadOnlyList<MemberUnit>>> RegisterMany(
        RegisterUnitsRequest request, HttpContext http, IDocumentSession session, Divisions divisions, TimeProvider clock,
        CancellationToken ct)
    {
        new Validation().Check(request.Units is { Count: > 0 and <= 1000 }, "units",
            "须为 1 到 1000 个单位 / must list 1 to 1000 units").ThrowIfInvalid();
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        var commands = request.Units!.Select((u, i) => Validate(u, $"units[{i}].", caller, divisions, now)).ToList();
        foreach (var command in commands)
        {
            session.Events.StartStream<MemberUnit>(command.UnitId, MemberUnitDecider.Decide(command, null).ToArray());
        }
        await session.SaveChangesAsync(ct);
        var units = await session.LoadManyAsync<MemberUnit>(ct, commands.Select(c => c.UnitId));
        return TypedResults.Created("/api/alliances/units", (IReadOnlyList<MemberUnit>)units.OrderBy(u => commands.FindIndex(c => c.UnitId == u.Id)).ToList());
    }

    private static RegisterUnit Validate(
        RegisterUnitRequest request, string prefix, Caller caller, Divisions divisions, DateTimeOffset now)
    {
        new Validation()
            .Required(prefix + "kind", request.Kind)
            .Required(prefix + "name", request.Name).MaxLength(prefix + "name", request.Name, 200)
            .Required(prefix + "countyCode", request.CountyCode)
            .Check(request.CountyCode is null || divisions.IsCounty(request.CountyCode), prefix + "countyCode",
                "不是已知的县级行政区划代码 / is not a known county-level division code")
            .MaxLength(prefix + "contactOfficer", request.ContactOfficer, 100)
            .Check(IsPhone(request.ContactPhone), prefix + "contactPhone", "不是有效的电话号码 / is not a phone number")
            .ThrowIfInvalid();
        Access.Require(caller.IsAdministration && caller.Covers(request.CountyCode!),
            "只有辖区教育行政部门可以登记成员单位 / Only the education bureau of the region may register units.");
        return new RegisterUnit(Guid.CreateVersion7(), request.Kind!.Value, request.Name!, request.CountyCode!,
            request.ContactOfficer ?? "", request.ContactPhone ?? "", caller.Subject, now);
    }

    /// <summary>
    /// A phone number as units give one: a mobile, a landline with its area code or extension, or a short service
    /// number (110, 122, 12345): at least three digits, only digits and <c>- + ( )</c> and spaces, at most 30 characters.
    /// </summary>
    private static bool IsPhone(string? phone) =>
        string.IsNullOrEmpty(phone) || (phone.Length <= 30 && phone.Count(char.IsAsciiDigit) >= 3
            && phone.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ' or '(' or ')'));

    private static async Task<Ok<Page<MemberUnit>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, MemberUnitKind? kind, string? q,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<MemberUnit>().Where(u => u.CountyCode.StartsWith(caller.Region));
        if (county is { Length: 6 })
        {
            // A county is one value of the indexed column: equality uses the index, a LIKE prefix (under the
            // database's collation) scans it whole (issue 19: a county's units among a province's 20,000 schools).
            query = query.Where(u => u.CountyCode == county);
        }
        else if (!string.IsNullOrEmpty(county))
        {
            query = query.Where(u => u.CountyCode.StartsWith(county));
        }
        if (kind is { } k)
        {
            query = query.Where(u => u.Kind == k);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(u => u.Name.Contains(q));
        }
        // A county may hold very many units: the page through the index on (county, name), the count apart (Paged).
        var found = await query.OrderBy(u => u.CountyCode).ThenBy(u => u.Name).ToPageAsync(paging, ct);
        var contacts = await ContactsVisible(caller, session, found.Items.Select(u => u.Id).ToArray(), ct);
        return TypedResults.Ok(found.Map(u => contacts.Contains(u.Id) ? u : WithoutContact(u)));
    }

    /// <summary>
    /// A unit's contact officer and phone are for those who work with it: the bureaus of its region, the unit itself,
    /// and the units that are members of an alliance with it now (its managers and fellow members). Everyone else
    /// (parents, teachers of other schools, departments) reads the unit without them (null).
    /// </summary>
    internal static async Task<IReadOnlySet<Guid>> ContactsVisible(Caller caller, IQuerySession session, Guid[] unitIds, CancellationToken ct)
    {
        if (caller.IsAdministration)
        {
            return unitIds.ToHashSet();
        }
        var own = caller.Role switch
        {
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor => caller.SchoolId,
            Role.MemberOfficer => caller.MemberUnitId,
            _ => null,
        };
        if (own is not { } unit || unitIds.Length == 0)
        {
            return new HashSet<Guid>();
        }
        var alliances = await session.Query<Membership>().Where(m => m.UnitId == unit && m.LeftAt == null)
            .Select(m => m.AllianceId).ToListAsync(ct);
        var fellows = alliances.Count == 0 ? [] : await session.Query<Membership>()
            .Where(m => alliances.Contains(m.AllianceId) && unitIds.Contains(m.UnitId) && m.LeftAt == null)
            .Select(m => m.UnitId).ToListAsync(ct);
        return fellows.Append(unit).ToHashSet();
    }

    private static MemberUnit WithoutContact(MemberUnit unit) =>
        unit with { ContactOfficer = null!, ContactPhone = null! };

    private static async Task<Results<Ok<MemberUnit>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var unit = caller.Visible(await session.LoadAsync<MemberUnit>(id, ct), u => u.CountyCode, "成员单位 Unit");
        var shown = (await ContactsVisible(caller, session, [unit.Id], ct)).Contains(unit.Id) ? unit : WithoutContact(unit);
        return http.Versioned(shown, unit.Version);
    }

    private static async Task<Ok<MemberUnit>> ChangeContact(
        Guid id, ContactRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("contactOfficer", request.ContactOfficer).MaxLength("contactOfficer", request.ContactOfficer, 100)
            .Check(IsPhone(request.ContactPhone), "contactPhone", "不是有效的电话号码 / is not a phone number")
            .ThrowIfInvalid();
        var command = new ChangeUnitContact(id, request.ContactOfficer!, request.ContactPhone ?? "", caller.Subject, clock.GetUtcNow());
        return await session.Change<MemberUnit>(http, id, unit =>
        {
            caller.Visible(unit, u => u.CountyCode, "成员单位 Unit");
            Access.Require(caller.IsAdministration || (caller.Role == Role.MemberOfficer && caller.MemberUnitId == id)
                || (caller.Role == Role.SchoolAdmin && caller.SchoolId == id),
                "只有教育行政部门或本单位可以更换联络员 / Only the bureau or the unit itself may change its contact officer.");
        }, state => MemberUnitDecider.Decide(command, state), ct);
    }
}
