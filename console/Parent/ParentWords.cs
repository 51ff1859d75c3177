using JiaoLianTi.Console.Api;

namespace JiaoLianTi.Console.Parent;

/// <summary>
/// What the API said, in words a parent understands (Chinese first, English beside): the rule's code for a 409, each
/// field for a 400, the status otherwise. Never a status number or an English-only message alone.
/// </summary>
public static class ParentWords
{
    public static string Of(ApiProblem problem)
    {
        var text = problem.Code switch
        {
            "guardian-consent-required" => "孩子未满 14 周岁，报名须由监护人勾选同意 / Your child is under 14: tick the consent to register",
            "outside-age-range" => "孩子的年龄不在本活动的年龄范围内 / Your child's age is outside this activity's age range",
            "registration-not-open" => "本活动目前不接受报名 / This activity is not taking registrations now",
            "registration-cancelled" => "这条报名已经取消 / This registration was already cancelled",
            "no-consent" => "这条报名没有同意记录，无需撤回 / There is no consent on this registration to withdraw",
            "activity-status" => "活动当前状态不允许此操作 / The activity's status does not allow this",
            "programme-status" => "这个课后服务项目目前不接受报名或退出 / This programme is not taking enrolments now",
            "enrolment-withdrawn" => "孩子已经退出了这个项目 / Your child has already left this programme",
            "course-not-published" or "course-retired" => "这门课程目前不可学习 / This course is not available now",
            { Length: > 0 } => problem.Title,
            _ => null,
        };
        if (text is not null) return text;
        return problem.Status switch
        {
            400 when problem.Errors.Count > 0 => "请检查填写的内容 / Please check what you entered: "
                + string.Join("；", problem.Errors.Select(e => $"{FieldName(e.Key)}：{string.Join(" ", e.Value)}")),
            400 => "填写的内容有误 / Something you entered is not right",
            401 => "登录已过期，请重新登录 / Your sign-in has expired; please sign in again",
            403 => "您没有权限进行此操作（只能为自己的孩子办理） / You may not do this (only for your own children)",
            404 => "没有找到，可能已被删除或您无权查看 / Not found: it may have been removed, or it is not yours to see",
            409 => "此操作与当前情况冲突：" + problem.Title,
            412 => "信息已被更新，请刷新页面后再试 / This changed in the meantime; reload the page and try again",
            429 => "操作太频繁，请稍后再试 / Too many requests; please wait a moment",
            >= 500 => "服务暂时不可用，请稍后再试 / The service is unavailable; please try again later",
            _ => "操作没有成功，请稍后再试 / That did not work; please try again later",
        };
    }

    private static string FieldName(string field) => field.ToLowerInvariant() switch
    {
        "displayname" => "孩子姓名",
        "birthdate" => "出生日期",
        "classname" => "班级",
        "guardianconsent" => "监护人同意",
        "guardian" => "监护人姓名",
        "status" => "选择",
        "description" => "描述",
        "location" => "地点",
        "kind" => "类别",
        _ => field,
    };
}
