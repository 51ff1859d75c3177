using System.Globalization;
using System.Text;
using System.Text.Json;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Alliances.Coverage;

/// <summary>One county's row of the coverage table, as of the report's date.</summary>
public sealed record CountyCoverage(
    string CountyCode, string CountyName, string CityCode, string CityName, AllianceStatus? RegionalAllianceStatus,
    bool Established, int SchoolAlliances, int Members, IReadOnlyDictionary<MemberUnitKind, int> MembersByKind,
    int Resources, int OpenNeeds, int OverdueResponsibilities);

/// <summary>
/// A national target: <paramref name="Share"/> of counties established by <paramref name="By"/>, judged at its date.
/// A target whose date has passed (by the report's moment) is judged by the share <i>at</i> its date
/// (<paramref name="ShareAtDate"/>; <paramref name="Met"/>). A target still ahead shows the share now
/// (<paramref name="ShareNow"/>), the share the path to the targets has reached by now (<paramref name="ExpectedNow"/>,
/// <see cref="CoverageApi.PathAt"/>) and whether the region is <paramref name="OnTrack"/>; <paramref name="Met"/> is
/// then whether the share has already reached the target.
/// </summary>
public sealed record CoverageTarget(
    DateOnly By, double Share, bool Met, bool Due, double? ShareAtDate, double ShareNow, double? ExpectedNow, bool? OnTrack);

/// <summary>覆盖率 (县区建成率): counties with an established regional alliance / all counties of the region.</summary>
public sealed record CoverageReport(
    string Region, string RegionName, DateTimeOffset AsOf, int Counties, int EstablishedCounties, double Coverage,
    IReadOnlyList<CoverageTarget> Targets, IReadOnlyList<CountyCoverage> Rows);

public static class CoverageApi
{
    /// <summary>The national targets (GLOSSARY: coverage): 50 % by the end of 2025, 100 % by the end of 2027.</summary>
    public static readonly IReadOnlyList<(DateOnly By, double Share)> Targets =
        [(new DateOnly(2025, 12, 31), 0.5), (new DateOnly(2027, 12, 31), 1.0)];

    public static IEndpointRouteBuilder MapCoverageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alliances/coverage").WithTags("Coverage 覆盖率");
        group.MapGet("/", Json).WithSummary("覆盖率（任意日期） / Coverage of a province or city, as of any date");
        group.MapGet("/csv", Csv).WithSummary("覆盖率导出 CSV / The same table as CSV (UTF-8 with BOM)");
        return app;
    }

    private static async Task<CoverageJson> Json(
        HttpContext http, IQuerySession session, Divisions divisions, TimeProvider clock, CoverageSnapshots snapshots,
        string? region, string? asOf, CancellationToken ct)
    {
        var (report, table) = await Answer(http.Caller(), session, divisions, clock, region, asOf, ct, snapshots);
        return new CoverageJson(report, table);
    }

    private static async Task<FileContentHttpResult> Csv(
        HttpContext http, IQuerySession session, Divisions divisions, TimeProvider clock, CoverageSnapshots snapshots,
        string? region, string? asOf, CancellationToken ct)
    {
        var report = await Report(http.Caller(), session, divisions, clock, region, asOf, ct, snapshots);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(ToCsv(report))).ToArray();
        var date = report.AsOf.ToOffset(Responsibility.ChinaOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"coverage-{report.Region}-{date}.csv");
    }

    public static async Task<CoverageReport> Report(
        Caller caller, IQuerySession session, Divisions divisions, TimeProvider clock, string? regionText, string? asOfText,
        CancellationToken ct, CoverageSnapshots? snapshots = null) =>
        (await Answer(caller, session, divisions, clock, regionText, asOfText, ct, snapshots)).Report;

    private static async Task<(CoverageReport Report, CountyTable Table)> Answer(
        Caller caller, IQuerySession session, Divisions divisions, TimeProvider clock, string? regionText, string? asOfText,
        CancellationToken ct, CoverageSnapshots? snapshots)
    {
        var region = string.IsNullOrEmpty(regionText) ? caller.Region : regionText;
        var division = divisions.Find(region);
        var now = clock.GetUtcNow();
        DateTimeOffset? parsed = string.IsNullOrEmpty(asOfText) ? now : ParseAsOf(asOfText);
        new Validation()
            .Check(division is not null, "region", "不是已知的省、市或县级行政区划代码 / is not a known province, city or county code")
            .Check(parsed is not null, "asOf", "须为日期 yyyy-MM-dd 或时间 / must be a date (yyyy-MM-dd) or a date-time")
            .ThrowIfInvalid();
        Access.Require(caller.IsAdministration, "只有教育行政部门可以查看覆盖率 / Only education bureaus see coverage.");
        // Coverage is an aggregate with nothing personal in it: every bureau sees its whole province, so that a county
        // knows where it stands against the province's targets (docs/alliances.md, 覆盖率).
        Access.Require(region.StartsWith(caller.Region[..2], StringComparison.Ordinal),
            "该区域不在您所在的省 / That region is outside your province.");
        // The data covers the past up to now: a later date answers as of now, never a guess at the future.
        var asOf = parsed!.Value > now ? now : parsed!.Value;

        // As of now, the snapshot's key is "now": what the store holds now is all that happened up to now. The whole
        // table is kept (not only the counts): as of now it holds until the store changes or the next pending deadline
        // passes (then a responsibility becomes overdue without any event); as of a past moment, until the store changes.
        var asOfKey = asOf == now ? "now" : asOf.UtcTicks.ToString(CultureInfo.InvariantCulture);
        var table = snapshots is null
            ? await CountAsync(session, divisions, region, asOf, asOf == now, ct)
            : await snapshots.GetAsync($"rows|{region}|{asOfKey}",
                () => CountAsync(session, divisions, region, asOf, asOf == now, ct), ct,
                kept => kept.Until is not { } until || clock.GetUtcNow() < until);
        var rows = table.Rows;

        var established = rows.Count(r => r.Established);
        var coverage = rows.Count == 0 ? 0 : Math.Round((double)established / rows.Count, 4);
        var targets = new List<CoverageTarget>();
        var expected = Math.Round(PathAt(asOf), 4);
        foreach (var (by, share) in Targets)
        {
            var end = EndOfDay(by);
            if (end <= asOf)
            {
                // Counted with the table (one look at the store a request); a target that fell due since is counted now.
                var counties = table.EstablishedAtTargets.TryGetValue(by, out var kept)
                    ? kept
                    : await CoverageFigures.EstablishedCountiesAsync(session, region, end, ct);
                var at = rows.Count == 0 ? 0 : Math.Round((double)counties / rows.Count, 4);
                targets.Add(new CoverageTarget(by, share, at >= share, Due: true, at, coverage, null, null));
            }
            else
            {
                targets.Add(new CoverageTarget(by, share, coverage >= share, Due: false, null, coverage, expected, coverage >= expected));
            }
        }
        return (new CoverageReport(region, division!.Name, asOf, rows.Count, established, coverage, targets, rows), table);
    }

    /// <summary>
    /// The coverage table of a region as of a moment, the counties established at each national target's date that
    /// had passed by then, and until when it holds if nothing is appended.
    /// </summary>
    private sealed record CountyTable(
        IReadOnlyList<CountyCoverage> Rows, IReadOnlyDictionary<DateOnly, int> EstablishedAtTargets, DateTimeOffset? Until)
    {
        // A reference, replaced whole: concurrent answers of a kept table read it without a lock (a struct field
        // could be seen half written).
        private SerialisedRows? rowsJson;

        /// <summary>
        /// The rows as JSON, written once per table and options: a kept table is answered many times, and its 183 rows
        /// (80 KB for a province) were most of Alliances' work per answer.
        /// </summary>
        public byte[] RowsJson(JsonSerializerOptions options)
        {
            if (rowsJson is { } kept && ReferenceEquals(kept.Options, options))
            {
                return kept.Json;
            }
            var json = JsonSerializer.SerializeToUtf8Bytes(Rows, options);
            rowsJson = new SerialisedRows(options, json);
            return json;
        }

        private sealed record SerialisedRows(JsonSerializerOptions Options, byte[] Json);
    }

    /// <summary>
    /// The coverage answer: the report serialised as the minimal API would, except that the rows are the table's JSON
    /// written once (<see cref="CountyTable.RowsJson"/>); the rest (the moment, the targets) is written per answer.
    /// </summary>
    private sealed class CoverageJson(CoverageReport report, CountyTable table) : IResult, IEndpointMetadataProvider
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.Body.WriteAsync(Write(report, table, options), http.RequestAborted);
        }

        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CoverageReport), ["application/json"]));
    }

    /// <summary>
    /// The report's JSON with the table's kept rows in place of its own: byte for byte what serialising the report
    /// gives (CoverageApiTests compares them). <c>rows</c> is the report's last property, so the report without rows
    /// ends in <c>[]}</c>, where the rows go.
    /// </summary>
    private static byte[] Write(CoverageReport report, CountyTable table, JsonSerializerOptions options)
    {
        var head = JsonSerializer.SerializeToUtf8Bytes(report with { Rows = [] }, options);
        if (!head.AsSpan().EndsWith("[]}"u8))
        {
            return JsonSerializer.SerializeToUtf8Bytes(report, options);
        }
        var rows = table.RowsJson(options);
        var json = new byte[head.Length - 3 + rows.Length + 1];
        head.AsSpan(0, head.Length - 3).CopyTo(json);
        rows.CopyTo(json.AsSpan(head.Length - 3));
        json[^1] = (byte)'}';
        return json;
    }

    private static async Task<CountyTable> CountAsync(
        IQuerySession session, Divisions divisions, string region, DateTimeOffset asOf, bool asOfNow, CancellationToken ct)
    {
        var figures = await CoverageFigures.LoadAsync(session, region, asOf, ct);
        var until = asOfNow ? await CoverageFigures.NextDeadlineAsync(session, region, asOf, ct) : null;
        var atTargets = new Dictionary<DateOnly, int>();
        foreach (var (by, _) in Targets.Where(t => EndOfDay(t.By) <= asOf))
        {
            atTargets[by] = await CoverageFigures.EstablishedCountiesAsync(session, region, EndOfDay(by), ct);
        }
        return new CountyTable(Rows(figures, divisions, region), atTargets, until);
    }

    private static List<CountyCoverage> Rows(CoverageFigures figures, Divisions divisions, string region)
    {
        var byCounty = figures.Alliances.ToLookup(a => a.CountyCode);
        var membersByCounty = figures.Members.ToLookup(m => m.CountyCode);
        var resourceCount = figures.Resources.ToDictionary(r => r.CountyCode, r => r.Count);
        var needCount = figures.OpenNeeds.ToDictionary(r => r.CountyCode, r => r.Count);
        var overdueCount = figures.Overdue.ToDictionary(r => r.CountyCode, r => r.Count);

        return divisions.CountiesIn(region).OrderBy(c => c.Code, StringComparer.Ordinal).Select(county =>
        {
            var statuses = byCounty[county.Code].Where(a => a.Status is not null).ToList();
            var regional = statuses.Where(a => a.Kind == AllianceKind.Regional).Select(a => a.Status!.Value).ToList();
            // The best a county's regional alliances reached: established beats suspended beats proposed beats dissolved.
            AllianceStatus? regionalStatus = regional.Count == 0 ? null
                : regional.Contains(AllianceStatus.Established) ? AllianceStatus.Established
                : regional.Contains(AllianceStatus.Suspended) ? AllianceStatus.Suspended
                : regional.Contains(AllianceStatus.Proposed) ? AllianceStatus.Proposed
                : AllianceStatus.Dissolved;
            var units = membersByCounty[county.Code].Where(m => m.Kind is not null).ToList();
            var city = divisions.Find(county.ParentCode);
            return new CountyCoverage(county.Code, county.Name, county.ParentCode ?? "", city?.Name ?? "", regionalStatus,
                regionalStatus == AllianceStatus.Established,
                statuses.Count(a => a.Kind == AllianceKind.School && a.Status == AllianceStatus.Established),
                units.Sum(m => m.Count),
                units.OrderBy(m => m.Kind).ToDictionary(m => m.Kind!.Value, m => m.Count),
                resourceCount.GetValueOrDefault(county.Code), needCount.GetValueOrDefault(county.Code),
                overdueCount.GetValueOrDefault(county.Code));
        }).ToList();
    }

    /// <summary>Where the path to the first target starts (0 %): the end of 2024, when the national plan set the targets.</summary>
    public static readonly DateOnly PathStart = new(2024, 12, 31);

    /// <summary>
    /// The share a region on track would have reached at <paramref name="at"/>: the straight line from 0 at
    /// <see cref="PathStart"/> to each target in turn (50 % at the end of 2025, then 100 % at the end of 2027).
    /// </summary>
    public static double PathAt(DateTimeOffset at)
    {
        var (fromAt, fromShare) = (EndOfDay(PathStart), 0.0);
        foreach (var (by, share) in Targets)
        {
            var end = EndOfDay(by);
            if (at <= end)
            {
                return at <= fromAt ? fromShare : fromShare + (share - fromShare) * ((at - fromAt) / (end - fromAt));
            }
            (fromAt, fromShare) = (end, share);
        }
        return fromShare;
    }

    private static DateTimeOffset EndOfDay(DateOnly date) =>
        new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), Responsibility.ChinaOffset).AddTicks(-1);

    /// <summary>A date means the end of that day in China (UTC+8); a date-time is taken as given.</summary>
    private static DateTimeOffset? ParseAsOf(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), Responsibility.ChinaOffset).AddTicks(-1)
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public static readonly IReadOnlyDictionary<MemberUnitKind, string> KindNames = new Dictionary<MemberUnitKind, string>
    {
        [MemberUnitKind.School] = "学校", [MemberUnitKind.FamilyCommittee] = "家委会", [MemberUnitKind.PoliceStation] = "派出所",
        [MemberUnitKind.TrafficPolice] = "交警", [MemberUnitKind.MarketRegulator] = "市场监管",
        [MemberUnitKind.CommunityCommittee] = "社区居委会", [MemberUnitKind.StreetOffice] = "街道办事处",
        [MemberUnitKind.Library] = "图书馆", [MemberUnitKind.Museum] = "博物馆", [MemberUnitKind.ScienceCentre] = "科技馆",
        [MemberUnitKind.MemorialVenue] = "纪念馆", [MemberUnitKind.Theatre] = "剧院", [MemberUnitKind.SportsVenue] = "体育场馆",
        [MemberUnitKind.Hospital] = "医院", [MemberUnitKind.MentalHealthCentre] = "心理健康中心", [MemberUnitKind.University] = "高校",
        [MemberUnitKind.ResearchInstitute] = "科研院所", [MemberUnitKind.Enterprise] = "企业", [MemberUnitKind.WomensFederation] = "妇联",
        [MemberUnitKind.YouthLeague] = "共青团", [MemberUnitKind.Other] = "其他",
        [MemberUnitKind.Procuratorate] = "检察院", [MemberUnitKind.Court] = "法院",
    };

    public static string ToCsv(CoverageReport report)
    {
        var kinds = Enum.GetValues<MemberUnitKind>();
        var header = new List<string>
        {
            "县区代码 County code", "县区 County", "市 City", "区域教联体状态 Regional alliance status", "已建成 Established",
            "校级教联体 School alliances", "成员单位 Members",
        };
        header.AddRange(kinds.Select(k => $"{KindNames[k]} {k}"));
        header.AddRange(["资源 Resources", "未结需求 Open needs", "逾期责任 Overdue responsibilities"]);
        var text = new StringBuilder();
        text.Append(string.Join(',', header.Select(Field))).Append("\r\n");
        foreach (var row in report.Rows)
        {
            var fields = new List<string>
            {
                row.CountyCode, row.CountyName, row.CityName, row.RegionalAllianceStatus?.ToString() ?? "",
                row.Established ? "是 yes" : "否 no", Num(row.SchoolAlliances), Num(row.Members),
            };
            fields.AddRange(kinds.Select(k => Num(row.MembersByKind.GetValueOrDefault(k))));
            fields.AddRange([Num(row.Resources), Num(row.OpenNeeds), Num(row.OverdueResponsibilities)]);
            text.Append(string.Join(',', fields.Select(Field))).Append("\r\n");
        }
        return text.ToString();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
