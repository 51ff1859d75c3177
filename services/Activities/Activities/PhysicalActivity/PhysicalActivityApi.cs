using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.PhysicalActivity;

public sealed record LogMinutesRequest(int? Minutes);

/// <summary>Class-days logged in the period, how many reached two hours, and their share.</summary>
public sealed record DailyActivityShare(int ClassDays, int Reached, double Share);

public sealed record SchoolDailyActivity(Guid SchoolId, string? SchoolName, string CountyCode, DailyActivityShare Figures);

public sealed record DailyActivityReport(
    DateOnly From, DateOnly To, int TargetMinutes, DailyActivityShare Overall, IReadOnlyList<SchoolDailyActivity> Schools);

public static class PhysicalActivityApi
{
    private const int MaxRows = 100_000;

    public static RouteGroupBuilder MapPhysicalActivityEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/physical-activity").WithTags("PhysicalActivity 体教互融");
        group.MapPut("/classes/{className}/days/{date}", Log)
            .WithSummary("班级当日体育活动分钟数 / A class logs its minutes of physical activity for a day");
        group.MapGet("/classes/{className}/days/{date}", Get).WithSummary("班级某日记录 / A class's day");
        group.MapGet("/", Report)
            .WithSummary("达到每天 2 小时的班级占比，按学校和县 / Share of classes reaching two hours a day, per school and county");
        return group;
    }

    private static async Task<Results<Created<ClassDay>, Ok<ClassDay>>> Log(
        string className, string date, LogMinutesRequest request, HttpContext http, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var day = ParseDate(date);
        new Validation()
            .Check(!string.IsNullOrWhiteSpace(className) && className.Length <= 50, "className", "须为 1 到 50 个字符 / must be 1 to 50 characters")
            .Required("minutes", request.Minutes)
            .Check(request.Minutes is null or (>= 0 and <= 1440), "minutes", "须在 0 到 1440 之间 / must be between 0 and 1440")
            .ThrowIfInvalid();
        if (!caller.IsStaff() || caller.SchoolId is null)
        {
            throw new ForbiddenException("班级体育活动时间由本校管理员或教师记录 / A school's admins and teachers log their classes' minutes.");
        }
        var school = await session.SchoolAsync(caller.SchoolId.Value, ct)
            ?? throw new RuleViolation("school-unknown", "您的学校尚未在教联体成员单位中登记 / Your school is not (yet) registered as an alliance member unit.");

        var command = new LogPhysicalActivity(school.Id, school.CountyCode, className.Trim(), day, request.Minutes!.Value,
            caller.Subject, clock.GetUtcNow());
        var id = ClassDay.IdFor(school.Id, command.ClassName, day);
        if (await session.LoadAsync<ClassDay>(id, ct) is null)
        {
            return await session.Start<ClassDay>(http, id, PhysicalActivityDecider.Decide(command, null),
                $"/api/activities/physical-activity/classes/{Uri.EscapeDataString(command.ClassName)}/days/{day:yyyy-MM-dd}", ct);
        }
        return await session.Change<ClassDay>(http, id, null, state => PhysicalActivityDecider.Decide(command, state), ct);
    }

    private static async Task<Results<Ok<ClassDay>, StatusCodeHttpResult>> Get(
        string className, string date, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var day = ParseDate(date);
        var record = caller.SchoolId is { } school ? await session.LoadAsync<ClassDay>(ClassDay.IdFor(school, className.Trim(), day), ct) : null;
        if (record is null)
        {
            throw new NotFoundException("未找到该班级当日记录 / No minutes logged for this class and day at your school.");
        }
        return http.Versioned(record, record.Version);
    }

    /// <summary>
    /// Over the period (one day by default: <c>from</c> = <c>to</c>), the class-days that reached
    /// <see cref="ClassDay.TargetMinutes"/> among those logged, per school and for all the caller may see (a county).
    /// </summary>
    private static async Task<Ok<DailyActivityReport>> Report(
        HttpContext http, IQuerySession session, string? county, Guid? school, DateOnly? from, DateOnly? to,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var start = from ?? to ?? today;
        var end = to ?? start;
        new Validation()
            .Check(end >= start, "to", "不得早于 from / must not be before from")
            .Check(end.DayNumber - start.DayNumber <= 366, "to", "区间不超过一年 / the period is at most a year")
            .Check(county is null || Regions.IsRegionPrefix(county), "county", "不是行政区划代码前缀 / is not a division code prefix")
            .ThrowIfInvalid();

        var query = session.Query<ClassDay>().Where(d => d.Date >= start && d.Date <= end);
        if (caller.IsAdministration)
        {
            query = query.Where(d => d.CountyCode.StartsWith(caller.Region));
        }
        else if ((caller.IsStaff() || caller.Role == Role.Counsellor) && caller.SchoolId is { } own)
        {
            query = query.Where(d => d.SchoolId == own);
        }
        else
        {
            throw new ForbiddenException("报表供学校和教育行政部门查看 / The report is for schools and education bureaus.");
        }
        if (!string.IsNullOrEmpty(county)) query = query.Where(d => d.CountyCode.StartsWith(county));
        if (school is { } s) query = query.Where(d => d.SchoolId == s);

        var days = await query.Take(MaxRows).ToListAsync(ct);
        var schoolIds = days.Select(d => d.SchoolId).Distinct().ToArray();
        var names = (await session.LoadManyAsync<KnownUnit>(ct, schoolIds)).ToDictionary(k => k.Id, k => k.Name);
        var schools = days.GroupBy(d => (d.SchoolId, d.CountyCode))
            .Select(g => new SchoolDailyActivity(g.Key.SchoolId, names.GetValueOrDefault(g.Key.SchoolId), g.Key.CountyCode, Figures(g)))
            .OrderBy(x => x.CountyCode).ThenBy(x => x.SchoolName).ToList();
        return TypedResults.Ok(new DailyActivityReport(start, end, ClassDay.TargetMinutes, Figures(days), schools));
    }

    private static DailyActivityShare Figures(IEnumerable<ClassDay> days)
    {
        var list = days.ToList();
        var reached = list.Count(d => d.Minutes >= ClassDay.TargetMinutes);
        return new DailyActivityShare(list.Count, reached, list.Count == 0 ? 0 : Math.Round((double)reached / list.Count, 4));
    }

    private static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", out var day)
            ? day
            : throw new ValidationFailed(new Dictionary<string, string[]> { ["date"] = ["须为 yyyy-MM-dd / must be a date as yyyy-MM-dd"] });
}
