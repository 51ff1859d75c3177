using System.Text.Json;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using static JiaoLianTi.Platform.Identity.Role;

namespace JiaoLianTi.Console.Components;

/// <summary>One kind of to-do on the 工作台: the API query that counts it and the page where it is acted on.</summary>
public sealed record Todo(string Key, string Title, string English, string Query, string Link, Func<JsonElement, int> Count);

/// <summary>
/// The to-dos of each role, across the services (docs/console.md, 工作台). Counts come from the lists' <c>total</c>,
/// read with <c>pageSize=1</c>; scoping is the API's (a county officer's lists hold their county only).
/// </summary>
public static class Todos
{
    private static int Total(JsonElement page) => page.Int("total");

    public static IReadOnlyList<Todo> For(Person person)
    {
        var list = new List<Todo>();
        void Add(string key, string title, string english, string query, string link, Func<JsonElement, int>? count = null) =>
            list.Add(new Todo(key, title, english, query, link, count ?? Total));

        switch (person.Role)
        {
            case ProvinceAdmin or CityAdmin or CountyAdmin:
                Add("responsibilities-escalated", "督办中的逾期责任", "Overdue responsibilities escalated to you",
                    "api/alliances/responsibilities?escalated=true&pageSize=1", "responsibilities?escalated=true");
                Add("responsibilities-due", "未完成的责任", "Responsibilities still owed",
                    "api/alliances/responsibilities?status=Assigned&pageSize=1", "responsibilities");
                Add("needs-raised", "待匹配的需求", "Needs to answer (match to a member)",
                    "api/alliances/needs?status=Raised&pageSize=1", "needs");
                if (person.Role == CountyAdmin)
                {
                    Add("safety-plans", "待审批的安全预案", "Safety plans to review",
                        "api/campussafety/safety-plans?status=Submitted&pageSize=1", "safety-plans");
                }
                Add("hazards-escalated", "升级督办的隐患", "Hazards escalated to the county",
                    "api/campussafety/escalations?pageSize=1", "safety");
                Add("guard-missed", "护学岗缺岗", "Missed guard shifts", "api/campussafety/guard-posts/missed?pageSize=1", "safety");
                Add("wellbeing-alerts", "心链预警", "Care-network alerts", "api/wellbeing/alerts?pageSize=1", "wellbeing");
                // 法治副校长: the schools without one today, to appoint (the figures list them, each with a link).
                Add("legal-without", "尚未配备法治副校长的学校", "Schools without a legal vice-principal",
                    "api/campussafety/figures/legal-vice-principals", "figures", page => page.Items("withoutLegalVicePrincipal").Count());
                break;
            case SchoolAdmin:
                Add("inbox-needs", "本校需求的进展", "Our school's open needs", "api/alliances/inbox", "inbox",
                    page => page.TryGetProperty("needs", out var needs) ? needs.Int("total") : 0);
                Add("hazards-open", "本校未办结的隐患", "Our school's open hazard reports",
                    "api/campussafety/reports?status=Assigned&pageSize=1", "safety");
                Add("safety-plans", "本校待审批的安全预案", "Our safety plans under review",
                    "api/campussafety/safety-plans?status=Submitted&pageSize=1", "safety-plans");
                Add("guard-missed", "护学岗缺岗", "Missed guard shifts", "api/campussafety/guard-posts/missed?pageSize=1", "safety");
                Add("referrals", "转介进展", "Referrals under way", "api/wellbeing/referrals?pageSize=1", "wellbeing");
                Add("wellbeing-alerts", "心链预警", "Care-network alerts", "api/wellbeing/alerts?pageSize=1", "wellbeing");
                Add("programmes-draft", "未开放报名的课后服务项目", "After-school programmes still drafts",
                    $"api/activities/programmes?status=Draft&term={ProgrammeTerms.Of(DateTimeOffset.UtcNow)}&pageSize=1", "programmes");
                break;
            case Teacher:
                Add("activities-open", "本校报名中的活动", "Our activities open for registration",
                    "api/activities?status=Open&pageSize=1", "activities");
                Add("hazards-open", "本校未办结的隐患", "Our school's open hazard reports",
                    "api/campussafety/reports?status=Assigned&pageSize=1", "safety");
                // Each session's attendance is taken on the programme's page (课后服务 → 名单与考勤).
                Add("programmes-open", "本学期课后服务（上课后记考勤）", "After-school programmes this term: take each session's attendance",
                    $"api/activities/programmes?status=Open&term={ProgrammeTerms.Of(DateTimeOffset.UtcNow)}&pageSize=1", "programmes");
                break;
            case Counsellor:
                Add("wellbeing-alerts", "心链预警", "Care-network alerts", "api/wellbeing/alerts?pageSize=1", "wellbeing");
                Add("referrals", "转介进展", "Referrals under way", "api/wellbeing/referrals?pageSize=1", "wellbeing");
                Add("crises", "危机干预", "Crisis chains", "api/wellbeing/crises?pageSize=1", "wellbeing");
                Add("bullying", "分派给我的欺凌个案", "Bullying cases assigned to me", "api/campussafety/bullying-cases?pageSize=1", "safety");
                break;
            case MemberOfficer:
                Add("inbox-needs", "匹配给本单位的需求", "Needs matched to our unit", "api/alliances/inbox", "inbox",
                    page => page.TryGetProperty("needs", out var needs) ? needs.Int("total") : 0);
                Add("inbox-responsibilities", "本单位未完成的责任", "Responsibilities our unit owes", "api/alliances/inbox", "inbox",
                    page => page.TryGetProperty("responsibilities", out var owed) ? owed.Int("total") : 0);
                Add("hazards-assigned", "分派给本单位的隐患", "Hazards assigned to our unit",
                    "api/campussafety/reports?status=Assigned&pageSize=1", "safety");
                Add("guard-rota", "本单位护学岗排班", "Our guard shifts", "api/campussafety/guard-posts/rota?pageSize=1", "safety");
                Add("referrals", "转介到本单位的学生", "Referrals to our unit", "api/wellbeing/referrals?pageSize=1", "wellbeing");
                break;
        }
        return list;
    }
}
