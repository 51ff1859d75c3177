using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Programmes;

public sealed record DeclareStudentsRequest(int? Students);

public static class DeclaredStudentsApi
{
    public static RouteGroupBuilder MapDeclaredStudentsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/schools").WithTags("Programmes 课后服务");
        group.MapPut("/{schoolId:guid}/terms/{term}/students", Declare)
            .WithSummary("学校申报本学期在校生人数（课后服务参与率的分母） / A school declares its number of students this term (the denominator of the share enrolled)");
        group.MapGet("/{schoolId:guid}/terms/{term}/students", Get).WithSummary("学校申报的在校生人数 / The school's declared number of students");
        return group;
    }

    private static async Task<Results<Created<DeclaredStudents>, Ok<DeclaredStudents>>> Declare(
        Guid schoolId, string term, DeclareStudentsRequest request, HttpContext http, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        new Validation()
            .Check(Terms.TryParse(term, out _, out _), "term", Terms.Invalid)
            .Required("students", request.Students)
            .Check(request.Students is null or (>= 1 and <= DeclaredStudents.Max), "students",
                $"须在 1 到 {DeclaredStudents.Max} 之间 / must be between 1 and {DeclaredStudents.Max}")
            .ThrowIfInvalid();
        var caller = http.Caller();
        var school = await Visible(caller, schoolId, session, ct);
        if (caller.Role != Role.SchoolAdmin || caller.SchoolId != schoolId)
        {
            throw new ForbiddenException("在校生人数由本校管理员申报 / A school's admins declare its number of students.");
        }
        var command = new DeclareStudents(school.Id, school.CountyCode, term, request.Students!.Value, caller.Subject, clock.GetUtcNow());
        var id = DeclaredStudents.IdFor(school.Id, term);
        if (await session.LoadAsync<DeclaredStudents>(id, ct) is null)
        {
            return await session.Start<DeclaredStudents>(http, id, DeclaredStudentsDecider.Decide(command, null),
                $"/api/activities/schools/{school.Id}/terms/{term}/students", ct);
        }
        return await session.Change<DeclaredStudents>(http, id, null, state => DeclaredStudentsDecider.Decide(command, state), ct);
    }

    private static async Task<Results<Ok<DeclaredStudents>, StatusCodeHttpResult>> Get(
        Guid schoolId, string term, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        new Validation().Check(Terms.TryParse(term, out _, out _), "term", Terms.Invalid).ThrowIfInvalid();
        var school = await Visible(http.Caller(), schoolId, session, ct);
        var declared = await session.LoadAsync<DeclaredStudents>(DeclaredStudents.IdFor(school.Id, term), ct)
            ?? throw new NotFoundException($"学校尚未申报 {term} 的在校生人数 / The school has not declared its students for {term}.");
        return http.Versioned(declared, declared.Version);
    }

    /// <summary>The school's own staff and the bureaus of its region know it; to anyone else it does not exist.</summary>
    private static async Task<KnownUnit> Visible(Caller caller, Guid schoolId, IQuerySession session, CancellationToken ct)
    {
        var school = await session.SchoolAsync(schoolId, ct);
        var mine = caller.Role is (Role.SchoolAdmin or Role.Teacher or Role.Counsellor) && caller.SchoolId == schoolId;
        return school is not null && (mine || (caller.IsAdministration && caller.Covers(school.CountyCode)))
            ? school
            : throw new NotFoundException("未找到该学校 / No such school in your scope.");
    }
}
