using JiaoLianTi.Console.Auth;
using static JiaoLianTi.Platform.Identity.Role;

namespace JiaoLianTi.Console.Components;

/// <summary>A page of the console and the roles it is for (the API enforces the scope; this decides what is shown).</summary>
public sealed record ConsolePage(string Path, string Title, string English, string Icon, IReadOnlySet<Role> Role);

/// <summary>The console's pages by role: the menu shows a person only their pages, and a page refuses other roles.</summary>
public static class Navigation
{
    private static readonly Role[] Bureaus = [ProvinceAdmin, CityAdmin, CountyAdmin];
    // The EventRelay service account (the Subscriptions service) never signs in to the console.
    private static readonly Role[] Everyone = [.. Enum.GetValues<Role>().Where(r => r != EventRelay)];

    public static readonly IReadOnlyList<ConsolePage> Pages =
    [
        Page("", "工作台", "Workbench", "home", Everyone),
        Page("coverage", "覆盖率", "Coverage", "global", Bureaus),
        Page("alliances", "教联体", "Alliances", "apartment", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        Page("units", "成员单位", "Member units", "team", [.. Bureaus, SchoolAdmin]),
        Page("inbox", "本单位待办", "Our unit's inbox", "inbox", [MemberOfficer, SchoolAdmin]),
        Page("resources", "资源清单", "Resources", "database", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        Page("needs", "需求清单", "Needs", "bulb", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        Page("responsibilities", "责任清单", "Responsibilities", "check-square", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        Page("meetings", "恳谈会", "Meetings", "comment", Bureaus),
        Page("activities", "活动", "Activities", "calendar", [.. Bureaus, SchoolAdmin, Teacher, MemberOfficer]),
        Page("programmes", "课后服务", "After-school", "schedule", [.. Bureaus, SchoolAdmin, Teacher, MemberOfficer]),
        // 体教互融: classes' daily minutes of physical activity (two hours a day), logged by the school, read by the bureaus.
        Page("physical-activity", "体教互融", "Physical activity", "trophy", [.. Bureaus, SchoolAdmin, Teacher]),
        Page("safety-plans", "安全预案审批", "Safety plans", "safety-certificate", [.. Bureaus, SchoolAdmin]),
        Page("safety", "护校安园", "Campus safety", "safety", [.. Bureaus, SchoolAdmin, Teacher, Counsellor, MemberOfficer, DepartmentOfficer]),
        // 一校一策: each school's traffic plan and bus routes; the units serving a school (traffic police) read it.
        Page("traffic-plans", "一校一策", "Traffic plans", "car", [.. Bureaus, SchoolAdmin, Teacher, MemberOfficer]),
        Page("legal-vice-principals", "法治副校长", "Legal vice-principals", "audit", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        Page("parentschool", "家长学校", "Parent school", "read", [.. Bureaus, SchoolAdmin, Teacher]),
        // 家长会与家访: a school's staff schedule and record them; the bureaus read the meetings (home visits are need-to-know).
        Page("home-school", "家长会与家访", "Parent meetings and home visits", "contacts", [.. Bureaus, SchoolAdmin, Teacher]),
        // 统计报表: the plan actions' figures a bureau reports upward (a school: its own after-school and 五育 figures).
        Page("figures", "统计报表", "Figures", "bar-chart", [.. Bureaus, SchoolAdmin]),
        Page("wellbeing", "心链网络", "Care network", "heart", [.. Bureaus, SchoolAdmin, Counsellor, MemberOfficer]),
        // 医教互促 健康筛查: a hospital screens at the schools of its alliances; the school and the bureaus follow.
        Page("health-screenings", "健康筛查", "Health screening", "medicine-box", [.. Bureaus, SchoolAdmin, MemberOfficer]),
        // 数据订阅: departments request, the bureaus approve (docs/subscriptions.md).
        Page("subscriptions", "数据订阅", "Subscriptions", "share-alt", [.. Bureaus, DepartmentOfficer]),
        // 事件目录: contracts, not data; for those who arrange subscriptions and run the system.
        Page("events", "事件目录", "Event catalogue", "api", [.. Bureaus, DepartmentOfficer, Operator]),
        // 运维: error queues, projections and checks; no domain data, so for operators alone.
        Page("operations", "运维", "Operations", "tool", [Operator]),
    ];

    public static IReadOnlyList<ConsolePage> For(Role? role) =>
        role is { } r ? Pages.Where(p => p.Role.Contains(r)).ToList() : [];

    public static bool Allows(Role? role, string path) =>
        role is { } r && Pages.Single(p => p.Path == path).Role.Contains(r);

    private static ConsolePage Page(string path, string title, string english, string icon, Role[] roles) =>
        new(path, title, english, icon, roles.ToHashSet());
}
