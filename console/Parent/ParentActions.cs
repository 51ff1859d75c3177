using System.Text.Json;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace JiaoLianTi.Console.Parent;

/// <summary>
/// What a parent does on the pages: plain HTML forms (no script needed, so they work in any phone browser) posted here,
/// each sent once to the gateway's public API with the parent's token, then back to the page with what happened
/// (<c>?ok=</c>) or what went wrong in words a parent understands (<c>?error=</c>, <see cref="ParentWords"/>).
/// A change to an existing thing carries the version the page showed (If-Match): someone else's change in between
/// is told, not overwritten.
/// </summary>
public static class ParentActions
{
    public static void MapParentActions(this WebApplication app)
    {
        var group = app.MapGroup(ParentSignIn.Prefix + "/do").RequireAuthorization();
        group.MapPost("/register", Register);
        group.MapPost("/cancel", Cancel);
        group.MapPost("/withdraw-consent", WithdrawConsent);
        group.MapPost("/enrol", Enrol);
        group.MapPost("/programme-enrol", EnrolInProgramme);
        group.MapPost("/programme-withdraw", WithdrawFromProgramme);
        group.MapPost("/lesson", CompleteLesson);
        group.MapPost("/care-consent", CareConsent);
        group.MapPost("/hazard", ReportHazard);
        group.MapPost("/erase", Erase);
        group.MapPost("/receipt", Receipt);
        group.MapPost("/read", Read);
    }

    /// <summary>
    /// The registration form's values after a refusal, so the parent need not type them again: kept for a few minutes
    /// in a cookie protected (encrypted) with the console's Data Protection keys, read once by the activity's page.
    /// </summary>
    public const string RetryCookie = ".jlt.parent.retry";
    public const string RetryPurpose = "JiaoLianTi.Console.Parent.RegistrationRetry";

    public sealed record RetryValues(Guid ActivityId, Guid StudentId, string? DisplayName, string? BirthDate, string? ClassName);

    private static async Task<IResult> Register(
        [FromForm] RegisterForm form, HttpContext http, GatewayClient api, ConsoleUser user,
        IDataProtectionProvider protection)
    {
        user.Use(http.User);
        IResult Refused(string words)
        {
            var values = JsonSerializer.Serialize(new RetryValues(form.ActivityId, form.StudentId, form.DisplayName, form.BirthDate, form.ClassName));
            http.Response.Cookies.Append(RetryCookie, protection.CreateProtector(RetryPurpose).Protect(values), new CookieOptions
            {
                Path = ParentSignIn.Prefix, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromMinutes(10),
            });
            return Back(form.Back, error: words);
        }
        var person = Person.From(http.User);
        if (!DateOnly.TryParse(form.BirthDate, out var birth))
        {
            return Refused("请填写孩子的出生日期 / Give your child's date of birth");
        }
        var answer = await api.PostAsync<JsonElement>($"api/activities/{form.ActivityId}/registrations", new
        {
            studentId = form.StudentId,
            displayName = form.DisplayName?.Trim(),
            birthDate = birth,
            schoolId = person.SchoolId,
            className = string.IsNullOrWhiteSpace(form.ClassName) ? null : form.ClassName.Trim(),
            guardianConsent = form.Consent == "true",
        });
        if (!answer.Ok) return Refused(ParentWords.Of(answer.Problem!));
        var value = answer.Value;
        return value.Str("status") == "Waitlisted"
            ? Back(form.Back, ok: $"名额已满，孩子已进入候补，排第 {value.Int("waitlistPosition")} 位。有人取消时会按顺序递补，并在「消息」里通知您。/ Full: your child is on the waitlist.")
            : Back(form.Back, ok: "报名成功，已为孩子占到名额。/ Registered: your child has a seat.");
    }

    private static async Task<IResult> Cancel([FromForm] RegistrationForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<object>($"api/activities/{form.ActivityId}/registrations/{form.StudentId}/cancel", new { }, Tag(form.Version));
        return answer.Ok ? Back(form.Back, ok: "已取消报名。/ The registration is cancelled.") : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    private static async Task<IResult> WithdrawConsent([FromForm] RegistrationForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<object>($"api/activities/{form.ActivityId}/registrations/{form.StudentId}/withdraw-consent", new { }, Tag(form.Version));
        return answer.Ok
            ? Back(form.Back, ok: "已撤回同意，报名随之取消。/ Consent withdrawn; the registration is cancelled.")
            : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    private static async Task<IResult> Enrol([FromForm] CourseForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<object>($"api/parentschool/courses/{form.CourseId}/enrolment", new { });
        return answer.Ok ? Back(form.Back, ok: "报名成功，可以开始学习了。/ Enrolled: you can start.") : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    /// <summary>课后服务: a place for the whole term, or a place on the waiting list.</summary>
    private static async Task<IResult> EnrolInProgramme([FromForm] ProgrammeForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<JsonElement>($"api/activities/programmes/{form.ProgrammeId}/enrolments", new
        {
            studentId = form.StudentId,
            displayName = string.IsNullOrWhiteSpace(form.DisplayName) ? null : form.DisplayName.Trim(),
            className = string.IsNullOrWhiteSpace(form.ClassName) ? null : form.ClassName.Trim(),
        });
        if (!answer.Ok) return Back(form.Back, error: ParentWords.Of(answer.Problem!));
        return answer.Value.Str("status") == "Waitlisted"
            ? Back(form.Back, ok: $"名额已满，孩子已进入候补，排第 {answer.Value.Int("waitlistPosition")} 位；有人退出时按顺序递补。/ Full: your child is on the waiting list.")
            : Back(form.Back, ok: "报名成功，孩子本学期在这个项目里有了名额。/ Enrolled for the term.");
    }

    private static async Task<IResult> WithdrawFromProgramme([FromForm] ProgrammeForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<object>($"api/activities/programmes/{form.ProgrammeId}/enrolments/{form.StudentId}/withdraw", new { }, Tag(form.Version));
        return answer.Ok ? Back(form.Back, ok: "已退出这个项目。/ Withdrawn.") : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    private static async Task<IResult> CompleteLesson([FromForm] CourseForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var answer = await api.PostAsync<JsonElement>($"api/parentschool/my/courses/{form.CourseId}/lessons/{form.LessonId}/completion", new { }, Tag(form.Version));
        if (!answer.Ok) return Back(form.Back, error: ParentWords.Of(answer.Problem!));
        return answer.Value.Str("status") == "Completed"
            ? Back(form.Back, ok: "恭喜您学完全部课时，结业证书已生成。/ Course completed: your certificate is ready.")
            : Back(form.Back, ok: $"进度已保存：已学 {answer.Value.Int("lessonsCompleted")}/{answer.Value.Int("lessonsTotal")} 课时。/ Progress saved.");
    }

    private static async Task<IResult> CareConsent([FromForm] CareConsentForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        if (form.Status is not ("Given" or "Withdrawn" or "Refused"))
        {
            return Back(form.Back, error: "请选择同意或撤回 / Choose to give or withdraw consent");
        }
        var answer = await api.PostAsync<object>($"api/wellbeing/children/{form.StudentId}/consent",
            new { status = form.Status, guardian = form.Guardian?.Trim() }, Tag(form.Version));
        return answer.Ok
            ? Back(form.Back, ok: form.Status == "Given" ? "已同意。/ Consent given." : "已撤回同意，孩子的关爱档案已删除。/ Consent withdrawn: the care record is erased.")
            : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    /// <summary>
    /// 删除孩子的个人信息: the guardian asks every service to erase the child's personal data (Wellbeing takes the request
    /// and each service destroys the child's keys). Only once the parent ticked that they understand it cannot be undone.
    /// </summary>
    private static async Task<IResult> Erase([FromForm] EraseForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        if (form.Confirm != "yes")
        {
            return Back(form.Back, error: "请先勾选确认：删除后无法恢复 / Tick that you understand it cannot be undone");
        }
        var answer = await api.PostAsync<JsonElement>("api/wellbeing/erasure-requests", new { studentId = form.StudentId });
        return answer.Ok
            ? Back(form.Back, ok: $"已提交删除请求（编号 {answer.Value.Str("requestId")[..8]}），各服务收到后即删除孩子的个人信息。/ Erasure asked: every service erases the child's data as the request reaches it.")
            : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    private static async Task<IResult> ReportHazard([FromForm] HazardForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var person = Person.From(http.User);
        var answer = await api.PostAsync<JsonElement>("api/campussafety/reports", new
        {
            schoolId = person.SchoolId, kind = form.Kind, description = form.Description?.Trim(), location = form.Location?.Trim(),
        });
        return answer.Ok
            ? Back(form.Back, ok: "隐患已上报，处理进展会在这里和「消息」里告诉您。/ Reported: you will be told how it goes.")
            : Back(form.Back, error: ParentWords.Of(answer.Problem!));
    }

    /// <summary>匿名报告凭回执码查询: the code is posted (not put in an address), the answer is its status only.</summary>
    private static async Task<IResult> Receipt([FromForm] ReceiptForm form, HttpContext http, GatewayClient api, ConsoleUser user)
    {
        user.Use(http.User);
        var code = (form.Code ?? "").Trim();
        if (code.Length == 0) return Back(form.Back, error: "请输入回执码 / Enter the receipt code");
        var answer = await api.GetAsync<JsonElement>($"api/campussafety/bullying-cases/receipts/{Uri.EscapeDataString(code)}");
        if (!answer.Ok)
        {
            return Back(form.Back, error: answer.Problem!.Status == 404
                ? "没有找到这个回执码对应的报告，请核对后再试 / No report has this receipt code"
                : ParentWords.Of(answer.Problem!));
        }
        var r = answer.Value;
        return Back(form.Back, ok: $"回执查询：报告状态「{CaseStatus(r.Str("status"))}」，上报于 {r.When("reportedAt")}，调查截止 {r.When("investigationDueAt")}"
            + (r.Bool("investigationOverdue") ? "（已逾期，已提醒学校）" : "") + (r.Str("closedAt").Length > 0 ? $"，已于 {r.When("closedAt")} 结案" : "") + "。");
    }

    private static async Task<IResult> Read([FromForm] ReadForm form, HttpContext http, ParentMessages messages, TimeProvider clock)
    {
        var person = Person.From(http.User);
        var ids = (form.Ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(i => Guid.TryParse(i, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).ToArray();
        await messages.MarkReadAsync(person.Subject, ParentMessages.AudiencesOf(http.User), ids, clock.GetUtcNow());
        return Back(form.Back, ok: "已全部标为已读。/ All marked read.");
    }

    public static string CaseStatus(string status) => status switch
    {
        "Reported" => "已受理，调查中",
        "Determined" => "已认定，处理中",
        "Closed" => "已结案",
        _ => status,
    };

    private static string? Tag(string? version) => string.IsNullOrWhiteSpace(version) ? null : $"\"{version.Trim().Trim('"')}\"";

    private static IResult Back(string? back, string? ok = null, string? error = null)
    {
        var path = ParentSignIn.LocalUrl(back);
        var cut = path.IndexOf('?');
        if (cut >= 0) path = path[..cut];
        return Results.Redirect(Q.Of(path, ("ok", ok), ("error", error)));
    }

    public class BackForm { public string? Back { get; set; } }
    public sealed class RegisterForm : BackForm
    {
        public Guid ActivityId { get; set; }
        public Guid StudentId { get; set; }
        public string? DisplayName { get; set; }
        public string? BirthDate { get; set; }
        public string? ClassName { get; set; }
        public string? Consent { get; set; }
    }
    public sealed class RegistrationForm : BackForm
    {
        public Guid ActivityId { get; set; }
        public Guid StudentId { get; set; }
        public string? Version { get; set; }
    }
    public sealed class CourseForm : BackForm
    {
        public Guid CourseId { get; set; }
        public Guid? LessonId { get; set; }
        public string? Version { get; set; }
    }
    public sealed class ProgrammeForm : BackForm
    {
        public Guid ProgrammeId { get; set; }
        public Guid StudentId { get; set; }
        public string? DisplayName { get; set; }
        public string? ClassName { get; set; }
        public string? Version { get; set; }
    }
    public sealed class CareConsentForm : BackForm
    {
        public Guid StudentId { get; set; }
        public string? Status { get; set; }
        public string? Guardian { get; set; }
        public string? Version { get; set; }
    }
    public sealed class EraseForm : BackForm
    {
        public Guid StudentId { get; set; }
        public string? Confirm { get; set; }
    }
    public sealed class HazardForm : BackForm
    {
        public string? Kind { get; set; }
        public string? Description { get; set; }
        public string? Location { get; set; }
    }
    public sealed class ReceiptForm : BackForm { public string? Code { get; set; } }
    public sealed class ReadForm : BackForm { public string? Ids { get; set; } }
}
