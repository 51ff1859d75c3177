using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Meetings;

/// <summary>A decision of the meeting: which member owes what by when. It becomes a responsibility.</summary>
public sealed record MeetingDecision(Guid ResponsibilityId, Guid UnitId, string Title, DateOnly DueOn, int SlaDays);

/// <summary>恳谈会: held on a date, with the units that attended, its minutes and its decisions.</summary>
public record ConsultationMeetingHeld(
    Guid MeetingId, Guid AllianceId, string CountyCode, DateOnly HeldOn, string Title, Guid[] AttendingUnitIds,
    string Minutes, MeetingDecision[] Decisions, string RecordedBy, DateTimeOffset At);

public sealed record ConsultationMeeting(
    Guid Id, Guid AllianceId, string CountyCode, DateOnly HeldOn, string Title, Guid[] AttendingUnitIds, string Minutes,
    MeetingDecision[] Decisions, DateTimeOffset RecordedAt)
{
    public long Version { get; set; }

    public static ConsultationMeeting Create(ConsultationMeetingHeld e) =>
        new(e.MeetingId, e.AllianceId, e.CountyCode, e.HeldOn, e.Title, e.AttendingUnitIds, e.Minutes, e.Decisions, e.At);
}

public record RecordMeeting(
    Guid MeetingId, Alliance Alliance, DateOnly HeldOn, string Title, IReadOnlyList<Guid> AttendingUnitIds, string Minutes,
    IReadOnlyList<MeetingDecision> Decisions, string By, DateTimeOffset Now);

public static class MeetingDecider
{
    public static IReadOnlyList<object> Decide(RecordMeeting c, ConsultationMeeting? state)
    {
        if (state is not null) throw new RuleViolation("meeting-exists", "会议已记录 / The meeting is already recorded.");
        if (c.Alliance.Status is AllianceStatus.Dissolved or AllianceStatus.Proposed)
        {
            throw new RuleViolation("alliance-not-established", $"教联体当前为 {c.Alliance.Status} / The alliance is {c.Alliance.Status}.");
        }
        if (c.HeldOn > Responsibility.TodayInChina(c.Now))
        {
            throw new RuleViolation("meeting-in-future", "会议尚未召开，不能记录纪要 / A meeting is recorded once it has been held.");
        }
        if (c.AttendingUnitIds.FirstOrDefault(u => !c.Alliance.IsMember(u)) is var stranger && stranger != Guid.Empty)
        {
            throw new RuleViolation("attendee-not-member", $"参会单位 {stranger} 不是成员 / Attending unit {stranger} is not a member.");
        }
        return [new ConsultationMeetingHeld(c.MeetingId, c.Alliance.Id, c.Alliance.CountyCode, c.HeldOn, c.Title.Trim(),
            c.AttendingUnitIds.Distinct().ToArray(), c.Minutes.Trim(), c.Decisions.ToArray(), c.By, c.Now)];
    }
}

public sealed record DecisionRequest(Guid? UnitId, string? Title, string? Description, DateOnly? DueOn, int? SlaDays);
public sealed record RecordMeetingRequest(
    DateOnly? HeldOn, string? Title, IReadOnlyList<Guid>? AttendingUnitIds, string? Minutes, IReadOnlyList<DecisionRequest>? Decisions);

public static class MeetingsApi
{
    public static IEndpointRouteBuilder MapMeetingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alliances/{allianceId:guid}/meetings", Record).WithTags("Meetings 恳谈会")
            .WithSummary("记录恳谈会（决定转为责任） / Record a consultation meeting; each decision becomes a responsibility");
        var group = app.MapGroup("/api/alliances/meetings").WithTags("Meetings 恳谈会");
        group.MapGet("/", List).WithSummary("恳谈会 / Meetings in the caller's region");
        group.MapGet("/{id:guid}", Get).WithSummary("恳谈会 / A meeting");
        return app;
    }

    /// <summary>The meeting and the responsibilities its decisions create are appended in one transaction.</summary>
    private static async Task<Created<ConsultationMeeting>> Record(
        Guid allianceId, RecordMeetingRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var validation = new Validation()
            .Required("heldOn", request.HeldOn)
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Check(request.AttendingUnitIds is { Count: > 0 }, "attendingUnitIds", "至少一个参会单位 / needs at least one attending unit")
            .Required("minutes", request.Minutes).MaxLength("minutes", request.Minutes, 50_000)
            .Check(request.Decisions is null or { Count: <= 100 }, "decisions", "至多 100 项 / at most 100");
        var decisions = request.Decisions ?? [];
        for (var i = 0; i < decisions.Count; i++)
        {
            var d = decisions[i];
            ResponsibilitiesApi.Check(validation, $"decisions[{i}].", d.UnitId, d.Title, d.Description, d.DueOn, d.SlaDays);
        }
        validation.ThrowIfInvalid();
        var alliance = caller.Visible(await session.LoadAsync<Alliance>(allianceId, ct), a => a.CountyCode, "教联体 Alliance");
        Access.Require(caller.Manages(alliance), "只有教联体管理者可以记录恳谈会 / Only the alliance's managers may record its meetings.");

        var now = clock.GetUtcNow();
        var meetingId = Guid.CreateVersion7();
        var assignments = decisions.Select(d => new AssignResponsibility(Guid.CreateVersion7(), alliance, d.UnitId!.Value,
            d.Title!, d.Description ?? "", d.DueOn!.Value, d.SlaDays ?? 0, meetingId, caller.Subject, now)).ToList();
        var meeting = MeetingDecider.Decide(new RecordMeeting(meetingId, alliance, request.HeldOn!.Value, request.Title!,
            request.AttendingUnitIds!, request.Minutes!,
            assignments.Select(a => new MeetingDecision(a.ResponsibilityId, a.UnitId, a.Title.Trim(), a.DueOn, a.SlaDays)).ToList(),
            caller.Subject, now), null);
        foreach (var assignment in assignments)
        {
            session.Events.StartStream<Responsibility>(assignment.ResponsibilityId,
                ResponsibilityDecider.Decide(assignment, null).ToArray());
        }
        return await session.Start<ConsultationMeeting>(http, meetingId, meeting, $"/api/alliances/meetings/{meetingId}", ct);
    }

    private static async Task<Ok<Page<ConsultationMeeting>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, Guid? allianceId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<ConsultationMeeting>().Where(m => m.CountyCode.StartsWith(caller.Region));
        if (!string.IsNullOrEmpty(county)) query = query.Where(m => m.CountyCode.StartsWith(county));
        if (allianceId is { } a) query = query.Where(m => m.AllianceId == a);
        return TypedResults.Ok(await query.OrderByDescending(m => m.HeldOn).ToPageAsync(paging, ct));
    }

    private static async Task<Results<Ok<ConsultationMeeting>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var meeting = http.Caller().Visible(await session.LoadAsync<ConsultationMeeting>(id, ct), m => m.CountyCode, "恳谈会 Meeting");
        return http.Versioned(meeting, meeting.Version);
    }
}
