using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Children;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Contracts = JiaoLianTi.Wellbeing.Contracts;

namespace JiaoLianTi.Wellbeing.Erasure;

/// <summary>
/// 删除请求: a child's personal data is to be erased in every service (docs/design.md 17). Wellbeing accepts it (it is
/// the service that answers for minors' data) and publishes <see cref="Contracts.ChildErasureRequested"/>; every service,
/// Wellbeing included, consumes that and destroys the child's keys. Only the opaque student id leaves.
/// </summary>
public record ChildErasureAsked(Guid RequestId, Guid StudentId, string RequestedBy, Role RequesterRole, DateTimeOffset At);

/// <summary>One erasure request: who asked for which child, and when (kept: it is the audit of the erasure).</summary>
public sealed record ChildErasureRequest(Guid Id, Guid StudentId, string RequestedBy, Role RequesterRole, DateTimeOffset RequestedAt)
{
    public long Version { get; set; }

    public static ChildErasureRequest Create(ChildErasureAsked e) => new(e.RequestId, e.StudentId, e.RequestedBy, e.RequesterRole, e.At);
}

public sealed record EraseChildDataRequest(Guid? StudentId);

public sealed record ChildErasureAnswer(Guid RequestId, Guid StudentId, DateTimeOffset RequestedAt);

public static class ChildErasureApi
{
    public static RouteGroupBuilder MapChildErasureEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/erasure-requests").WithTags("Erasure 删除");
        group.MapPost("/", Ask).WithSummary("请求在所有服务中删除儿童个人数据 / Ask every service to erase a child's personal data");
        return group;
    }

    /// <summary>
    /// Who may ask: the child's guardian (a parent whose token names the child), or an admin of the school where
    /// Wellbeing keeps the child's record. Answered 202: every service erases when the event reaches it.
    /// </summary>
    private static async Task<Accepted<ChildErasureAnswer>> Ask(
        EraseChildDataRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Check(request.StudentId is { } s && s != Guid.Empty, "studentId", "必填 / is required").ThrowIfInvalid();
        var studentId = request.StudentId!.Value;
        var mayAsk = caller.IsParentOf(studentId);
        if (!mayAsk && caller.Role == Role.SchoolAdmin && caller.SchoolId is { } school)
        {
            var child = await session.LoadAsync<Child>(studentId, ct);
            mayAsk = child is not null && child.SchoolId == school && caller.Covers(child.CountyCode);
        }
        if (!mayAsk)
        {
            throw new ForbiddenException(
                "只有儿童的监护人或其档案所在学校的管理员可以请求删除 / Only the child's guardian, or an admin of the school holding the child's record, may ask for erasure.");
        }
        var asked = new ChildErasureAsked(Guid.CreateVersion7(), studentId, caller.Subject, caller.Role, clock.GetUtcNow());
        session.Events.StartStream<ChildErasureRequest>(asked.RequestId, asked);
        await session.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/wellbeing/erasure-requests/{asked.RequestId}",
            new ChildErasureAnswer(asked.RequestId, studentId, asked.At));
    }
}

/// <summary>
/// Wellbeing's part of the erasure besides the keys (which Platform's consumer destroys): the child's record says it
/// was erased, so that it is listed as erased and takes no new data. Reads recorded so far stay.
/// </summary>
public sealed class CloseErasedChildRecord : IChildErasureHook
{
    public async Task ErasingAsync(Contracts.ChildErasureRequested request, IDocumentSession session, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Child>(request.StudentId, ct);
        if (stream.Aggregate is { } child)
        {
            stream.AppendMany(ChildDecider.Decide(
                new EraseChild(child.Id, ErasureReason.ErasureRequested, "system:erasure-request", request.RequestedAt), child).ToArray());
        }
    }
}
