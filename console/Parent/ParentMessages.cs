using System.Security.Cryptography;
using System.Text;
using JiaoLianTi.Console.Auth;
using MassTransit;
using Npgsql;
using ActivityEvents = JiaoLianTi.Activities.Contracts;
using SafetyEvents = JiaoLianTi.CampusSafety.Contracts;
using WellbeingEvents = JiaoLianTi.Wellbeing.Contracts;

namespace JiaoLianTi.Console.Parent;

/// <summary>One message as a parent reads it.</summary>
public sealed record ParentMessage(Guid Id, string Kind, string Title, string Body, string? Link, DateTimeOffset At, bool Read);

/// <summary>
/// 消息 Messages: what concerns a parent, built from the integration events (RabbitMQ, the console's own queue
/// <c>console</c>) and kept in the console's database (<c>console.parent_messages</c>). A message is addressed to an
/// audience a parent's token names: the parent (<c>subject:…</c>), one of their children (<c>child:…</c>, an opaque id),
/// their school or their county; each parent's reads are kept per parent (<c>console.parent_message_reads</c>). A
/// message is stored once per message id (a redelivery changes nothing). Nothing of a child is copied in but the
/// opaque id the event carried; the words are about the activity, the report or the school.
/// </summary>
public sealed class ParentMessages(NpgsqlDataSource data)
{
    public static async Task InitializeAsync(NpgsqlDataSource data, CancellationToken ct = default)
    {
        await using var connection = await data.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7140103)", connection)) await command.ExecuteNonQueryAsync(ct);
        await using (var command = new NpgsqlCommand("""
            CREATE SCHEMA IF NOT EXISTS console;
            CREATE TABLE IF NOT EXISTS console.parent_messages (
                id uuid PRIMARY KEY,
                audience text NOT NULL,
                kind text NOT NULL,
                title text NOT NULL,
                body text NOT NULL,
                link text,
                at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS parent_messages_audience ON console.parent_messages (audience, at DESC);
            CREATE TABLE IF NOT EXISTS console.parent_message_reads (
                subject text NOT NULL,
                message_id uuid NOT NULL,
                read_at timestamptz NOT NULL,
                PRIMARY KEY (subject, message_id));
            CREATE TABLE IF NOT EXISTS console.parent_hazard_reporters (
                report_id uuid PRIMARY KEY,
                subject text NOT NULL);
            CREATE TABLE IF NOT EXISTS console.parent_activity_titles (
                activity_id uuid PRIMARY KEY,
                title text NOT NULL);
            """, connection))
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>The audiences of a signed-in parent: themselves, each child on their token, their school and county.</summary>
    public static string[] AudiencesOf(System.Security.Claims.ClaimsPrincipal user)
    {
        var list = new List<string>();
        if (user.FindFirst(ConsoleClaims.Subject)?.Value is { Length: > 0 } subject) list.Add($"subject:{subject}");
        list.AddRange(user.FindAll(ConsoleClaims.Child).Select(c => $"child:{c.Value}"));
        if (user.FindFirst(ConsoleClaims.SchoolId)?.Value is { Length: > 0 } school) list.Add($"school:{school}");
        if (user.FindFirst(ConsoleClaims.Region)?.Value is { Length: > 0 } region) list.Add($"county:{region}");
        return [.. list];
    }

    /// <summary>Stores a message once: a second delivery of the same id changes nothing.</summary>
    public async Task AddAsync(Guid id, string audience, string kind, string title, string body, string? link, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO console.parent_messages (id, audience, kind, title, body, link, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(audience);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(title);
        command.Parameters.AddWithValue(body);
        command.Parameters.AddWithValue((object?)link ?? DBNull.Value);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<ParentMessage>> ListAsync(string subject, string[] audiences, int take, CancellationToken ct = default)
    {
        await using var command = data.CreateCommand("""
            SELECT m.id, m.kind, m.title, m.body, m.link, m.at, r.message_id IS NOT NULL
            FROM console.parent_messages m
            LEFT JOIN console.parent_message_reads r ON r.message_id = m.id AND r.subject = $1
            WHERE m.audience = ANY($2) ORDER BY m.at DESC, m.id LIMIT $3
            """);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(audiences);
        command.Parameters.AddWithValue(take);
        var list = new List<ParentMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ParentMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6)));
        }
        return list;
    }

    public async Task<int> UnreadAsync(string subject, string[] audiences, CancellationToken ct = default)
    {
        await using var command = data.CreateCommand("""
            SELECT count(*) FROM console.parent_messages m
            WHERE m.audience = ANY($2)
              AND NOT EXISTS (SELECT 1 FROM console.parent_message_reads r WHERE r.message_id = m.id AND r.subject = $1)
            """);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(audiences);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>Marks the given messages read for this parent (only messages of their audiences).</summary>
    public async Task MarkReadAsync(string subject, string[] audiences, Guid[] ids, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO console.parent_message_reads (subject, message_id, read_at)
            SELECT $1, m.id, $4 FROM console.parent_messages m WHERE m.audience = ANY($2) AND m.id = ANY($3)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(audiences);
        command.Parameters.AddWithValue(ids);
        command.Parameters.AddWithValue(at);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal async Task RememberReporterAsync(Guid report, string subject, CancellationToken ct)
    {
        await using var command = data.CreateCommand(
            "INSERT INTO console.parent_hazard_reporters (report_id, subject) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue(report);
        command.Parameters.AddWithValue(subject);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal async Task<string?> ReporterAsync(Guid report, CancellationToken ct)
    {
        await using var command = data.CreateCommand("SELECT subject FROM console.parent_hazard_reporters WHERE report_id = $1");
        command.Parameters.AddWithValue(report);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    internal async Task RememberTitleAsync(Guid activity, string title, CancellationToken ct)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO console.parent_activity_titles (activity_id, title) VALUES ($1, $2)
            ON CONFLICT (activity_id) DO UPDATE SET title = excluded.title
            """);
        command.Parameters.AddWithValue(activity);
        command.Parameters.AddWithValue(title);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal async Task<string?> TitleAsync(Guid activity, CancellationToken ct)
    {
        await using var command = data.CreateCommand("SELECT title FROM console.parent_activity_titles WHERE activity_id = $1");
        command.Parameters.AddWithValue(activity);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>A stable id for a message that must be one however many events ask for it (a recommendation per day).</summary>
    public static Guid StableId(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("jlt-parent-message|" + key));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    public static Guid IdOf<T>(ConsumeContext<T> context) where T : class =>
        context.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be stored once.");
}

/// <summary>候补转正: the parent's child was promoted from the waitlist (Activities' RegistrationConfirmed, FromWaitlist).</summary>
public sealed class WaitlistPromotionConsumer(ParentMessages messages) : IConsumer<ActivityEvents.RegistrationConfirmed>
{
    public async Task Consume(ConsumeContext<ActivityEvents.RegistrationConfirmed> context)
    {
        var e = context.Message;
        if (!e.FromWaitlist) return;
        var title = await messages.TitleAsync(e.ActivityId, context.CancellationToken);
        await messages.AddAsync(ParentMessages.IdOf(context), $"child:{e.StudentId}", "waitlist-promoted",
            "候补转正 / Off the waitlist",
            $"有名额空出，您孩子在{(title is null ? "活动" : $"「{title}」")}中已由候补转为报名成功。/ A seat came free: your child now has a place.",
            $"activities/{e.ActivityId}", e.ConfirmedAt, context.CancellationToken);
    }
}

/// <summary>
/// 活动取消: an activity a child held a seat in, or waited for, was cancelled (Activities' ActivityCancelled names the
/// students by opaque id, version 1.1): each child's family is told, with the reason the organiser gave. One message per
/// child however often the event comes (a stable id from the event's message id and the child).
/// </summary>
public sealed class ActivityCancelledConsumer(ParentMessages messages) : IConsumer<ActivityEvents.ActivityCancelled>
{
    public async Task Consume(ConsumeContext<ActivityEvents.ActivityCancelled> context)
    {
        var e = context.Message;
        if (e.StudentIds is not { Count: > 0 } students) return;
        var title = await messages.TitleAsync(e.ActivityId, context.CancellationToken);
        var named = title is null ? "活动" : $"「{title}」";
        var id = ParentMessages.IdOf(context);
        foreach (var student in students.Distinct())
        {
            await messages.AddAsync(ParentMessages.StableId($"{id}|{student}"), $"child:{student}", "activity-cancelled",
                "活动取消 / Activity cancelled",
                $"您孩子报名的{named}已取消。原因：{e.Reason} / The activity your child registered for was cancelled, for the reason above.",
                $"activities/{e.ActivityId}", e.CancelledAt, context.CancellationToken);
        }
    }
}

/// <summary>Keeps the titles of opened activities (public information) so a message can name the activity.</summary>
public sealed class ActivityTitleConsumer(ParentMessages messages) : IConsumer<ActivityEvents.ActivityPublished>
{
    public Task Consume(ConsumeContext<ActivityEvents.ActivityPublished> context) =>
        messages.RememberTitleAsync(context.Message.ActivityId, context.Message.Title, context.CancellationToken);
}

/// <summary>
/// 报告状态变化: a hazard a parent reported (CampusSafety's HazardReported names the reporting parent by token subject)
/// was assigned, resolved or escalated. A traffic hazard also brings the school's parents a road-safety recommendation.
/// </summary>
public sealed class HazardConsumer(ParentMessages messages) :
    IConsumer<SafetyEvents.HazardReported>, IConsumer<SafetyEvents.HazardAssigned>, IConsumer<SafetyEvents.HazardResolved>,
    IConsumer<SafetyEvents.HazardOverdue>
{
    public async Task Consume(ConsumeContext<SafetyEvents.HazardReported> context)
    {
        var e = context.Message;
        if (e.ParentReporter is { Length: > 0 } subject)
        {
            await messages.RememberReporterAsync(e.ReportId, subject, context.CancellationToken);
        }
        if (e.Kind == SafetyEvents.HazardKinds.Traffic)
        {
            await Recommendations.AddAsync(messages, $"school:{e.SchoolId}", "TrafficSafety",
                "学校周边交通安全需要家校共同关注，为您推荐了相关课程。/ Road safety near your school: a course is recommended.", e.ReportedAt, context.CancellationToken);
        }
    }

    public Task Consume(ConsumeContext<SafetyEvents.HazardAssigned> context) =>
        Tell(context, context.Message.ReportId, "您上报的隐患已分派给责任单位处理，处理期限 "
            + context.Message.DueAt.ToOffset(TimeSpan.FromHours(8)).ToString("M月d日 HH:mm") + "。/ Your report was assigned to the responsible unit.",
            context.Message.AssignedAt);

    public Task Consume(ConsumeContext<SafetyEvents.HazardResolved> context) =>
        Tell(context, context.Message.ReportId, "责任单位已处置您上报的隐患，等待学校验收。/ The unit resolved your report; the school will verify it.",
            context.Message.ResolvedAt);

    public Task Consume(ConsumeContext<SafetyEvents.HazardOverdue> context) =>
        Tell(context, context.Message.ReportId, "您上报的隐患超过处理期限，已上报县教育局督办。/ Your report is overdue and was escalated to the county.",
            context.Message.DetectedAt);

    private async Task Tell<T>(ConsumeContext<T> context, Guid report, string body, DateTimeOffset at) where T : class
    {
        if (await messages.ReporterAsync(report, context.CancellationToken) is not { } subject) return;
        await messages.AddAsync(ParentMessages.IdOf(context), $"subject:{subject}", "report-status",
            "报告进展 / Your report", body, "reports", at, context.CancellationToken);
    }
}

/// <summary>
/// 新的推荐: the events on which ParentSchool recommends courses to a school's parents (docs/parentschool.md, 为您推荐)
/// tell them there is something new under 为您推荐: one message per school, reason and day.
/// </summary>
public sealed class RecommendationConsumer(ParentMessages messages) :
    IConsumer<SafetyEvents.BullyingCaseOpened>, IConsumer<ActivityEvents.ActivityCompleted>
{
    public Task Consume(ConsumeContext<SafetyEvents.BullyingCaseOpened> context) =>
        Recommendations.AddAsync(messages, $"school:{context.Message.SchoolId}", "BullyingPrevention",
            "学校正在开展防欺凌教育，为您推荐了相关课程。/ Your school is working on preventing bullying: courses are recommended.",
            context.Message.OpenedAt, context.CancellationToken);

    public Task Consume(ConsumeContext<ActivityEvents.ActivityCompleted> context)
    {
        var e = context.Message;
        if (e.Kind != "StudyTrip" && (e.Topics is null || e.Topics.Count == 0)) return Task.CompletedTask;
        return Recommendations.AddAsync(messages, e.SchoolId is { } school ? $"school:{school}" : $"county:{e.CountyCode}",
            "ActivityFollowUp:" + e.Kind, "孩子们刚参加了一次活动，为您推荐了相关课程。/ After an activity: related courses are recommended.",
            e.CompletedAt, context.CancellationToken);
    }
}

/// <summary>征求同意: the school asks Wellbeing (心链网络) to support a child, which needs the guardian's consent.</summary>
public sealed class ConsentRequestConsumer(ParentMessages messages) : IConsumer<SafetyEvents.SupportRequested>
{
    public Task Consume(ConsumeContext<SafetyEvents.SupportRequested> context) =>
        messages.AddAsync(ParentMessages.IdOf(context), $"child:{context.Message.StudentId}", "consent-requested",
            "需要您的同意 / Your consent is asked",
            "学校希望为孩子提供心理关爱支持，需要监护人同意建立关爱档案。请在「同意与撤回」中查看并作出选择。/ The school offers your child support and asks your consent for a care record.",
            "consents", context.Message.RequestedAt, context.CancellationToken);
}

/// <summary>健康筛查结果: a hospital recorded the child's screening; the parent reads it on the child's page (Wellbeing).</summary>
public sealed class HealthScreeningConsumer(ParentMessages messages) : IConsumer<WellbeingEvents.HealthScreeningResultReady>
{
    public Task Consume(ConsumeContext<WellbeingEvents.HealthScreeningResultReady> context) =>
        messages.AddAsync(ParentMessages.IdOf(context), $"child:{context.Message.StudentId}", "health-screening",
            "健康筛查结果 / Health screening result",
            "医院已录入孩子的视力、脊柱筛查结果，请在孩子的页面查看结果和下一步建议。/ The hospital recorded your child's screening: see the result and next steps.",
            $"children/{context.Message.StudentId}", context.Message.RecordedAt, context.CancellationToken);
}

internal static class Recommendations
{
    public static Task AddAsync(ParentMessages messages, string audience, string reason, string body, DateTimeOffset at, CancellationToken ct) =>
        messages.AddAsync(ParentMessages.StableId($"{audience}|{reason}|{at.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}"),
            audience, "recommendation", "新的推荐 / New recommendation", body, "recommendations", at, ct);
}

public static class ParentMessagingExtensions
{
    /// <summary>
    /// The console's consumer of the integration events for 消息 (its own durable queue <c>console</c>, shared by its
    /// replicas), on the broker of <c>ConnectionStrings:rabbitmq</c>. Without it, the console runs and 消息 says so.
    /// </summary>
    public static bool AddParentMessages(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ParentMessages>();
        var broker = builder.Configuration.GetConnectionString("rabbitmq");
        if (string.IsNullOrEmpty(broker)) return false;
        var uri = new Uri(broker);
        var user = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        var quorum = string.Equals(builder.Configuration["Messaging:QueueType"], "quorum", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<WaitlistPromotionConsumer>();
            bus.AddConsumer<ActivityTitleConsumer>();
            bus.AddConsumer<ActivityCancelledConsumer>();
            bus.AddConsumer<HazardConsumer>();
            bus.AddConsumer<RecommendationConsumer>();
            bus.AddConsumer<ConsentRequestConsumer>();
            bus.AddConsumer<HealthScreeningConsumer>();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port), string.IsNullOrEmpty(vhost) ? "/" : vhost, host =>
                {
                    host.Username(user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest");
                    host.Password(user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest");
                });
                rabbit.ReceiveEndpoint(quorum ? "console-quorum" : "console", endpoint =>
                {
                    if (quorum) endpoint.SetQuorumQueue();
                    endpoint.PrefetchCount = 16;
                    // One at a time, in the order published: a hazard's assignment must find its reporter (kept from
                    // HazardReported, published just before it).
                    endpoint.ConcurrentMessageLimit = 1;
                    endpoint.UseMessageRetry(retry => retry.Intervals(100, 500, 2000, 5000));
                    endpoint.ConfigureConsumers(context);
                });
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(15);
        });
        return true;
    }
}
