using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.Hazards;

/// <summary>
/// 隐患照片 / photos of a reported hazard: uploaded by the school's staff or the reporter, judged by their content
/// (JPEG, PNG, WebP), stored with the event that records them, served to whoever may see the report.
/// </summary>
public static class HazardPhotosApi
{
    public static RouteGroupBuilder MapHazardPhotoEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/photos", AttachPhoto).WithSummary("上传照片 / Attach a photo (JPEG, PNG or WebP)");
        group.MapGet("/{id:guid}/photos/{photoId:guid}", GetPhoto).WithSummary("照片 / A photo");
        return group;
    }

    private static async Task<Created<PhotoInfo>> AttachPhoto(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        var caller = http.Caller();
        var report = await HazardsApi.Visible(id, caller, session, ct);
        if (!(caller.IsStaffOf(report.SchoolId, report.CountyCode) || caller.Subject == report.ReportedBy))
        {
            throw new ForbiddenException("只有本校教职工或上报人可以上传照片 / Only the school's staff or the reporter may attach photos.");
        }
        _ = http.ExpectedVersion(); // 428 before the body is read
        var max = configuration.GetValue("CampusSafety:MaxPhotoBytes", PhotoTypes.DefaultMaxBytes);
        var content = await ReadAtMost(http.Request, max, ct);
        var type = content is null ? null : PhotoTypes.Sniff(content);
        new Validation()
            .Check(content is not null, "photo", $"照片不得超过 {max} 字节 / must be at most {max} bytes")
            .Check(content is null || content.Length > 0, "photo", "照片为空 / is empty")
            .Check(content is null || content.Length == 0 || type is not null, "photo",
                "只接受 JPEG、PNG 或 WebP 图片（按内容判断） / must be a JPEG, PNG or WebP image (judged by its content)")
            .ThrowIfInvalid();

        var photo = new HazardPhoto { Id = Guid.CreateVersion7(), ReportId = id, ContentType = type!, Content = content! };
        var command = new AttachHazardPhoto(photo.Id, photo.ContentType, content!.Length, caller.Subject, clock.GetUtcNow());
        // The bytes and the event commit in one transaction: a refused command stores neither.
        session.Store(photo);
        var info = await session.Change<SurroundingsReport, PhotoInfo>(http, id, null, s => HazardDecider.Decide(command, s),
            _ => new PhotoInfo(photo.Id, photo.ContentType, content.Length, command.Now), ct);
        return TypedResults.Created($"/api/campussafety/reports/{id}/photos/{photo.Id}", info.Value);
    }

    private static async Task<FileContentHttpResult> GetPhoto(
        Guid id, Guid photoId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        await HazardsApi.Visible(id, http.Caller(), session, ct);
        var photo = await session.LoadAsync<HazardPhoto>(photoId, ct);
        if (photo is null || photo.ReportId != id)
        {
            throw Access.NotFound("照片", photoId);
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(photo.Content, photo.ContentType);
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadAtMost(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return null;
            }
        }
        return buffer.ToArray();
    }
}
