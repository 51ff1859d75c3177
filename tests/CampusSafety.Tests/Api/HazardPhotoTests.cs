using System.Net;
using System.Net.Http.Headers;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>Photos of a hazard: kept in CampusSafety's database, size-limited, typed by their bytes and not their name.</summary>
[Collection(SystemCollection.Name)]
public sealed class HazardPhotoTests(CampusSafetySystem system)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    private async Task<(HttpClient Teacher, string Path, EntityTagHeaderValue ETag)> NewReport(SchoolWorld world)
    {
        var teacher = system.Staff(world, Role.Teacher);
        var created = await teacher.Post("/api/campussafety/reports",
            new { schoolId = world.SchoolId, kind = HazardKinds.Construction, description = "工地围挡倒塌", location = "南门外" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (teacher, created.Headers.Location!.ToString(), created.Headers.ETag!);
    }

    private static Task<HttpResponseMessage> Upload(HttpClient client, string path, EntityTagHeaderValue? etag, byte[] bytes, string declaredType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{path}/photos") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(declaredType);
        request.Content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = "photo.jpg" };
        if (etag is not null) request.Headers.IfMatch.Add(etag);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_png_is_stored_and_served_back_with_its_type_judged_by_content()
    {
        var world = await system.SchoolWithAlliance();
        var (teacher, path, etag) = await NewReport(world);

        // Declared as JPEG, named photo.jpg: the bytes say PNG, and PNG it is.
        var uploaded = await Upload(teacher, path, etag, Png, "image/jpeg");

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var photo = await uploaded.ReadJson();
        Assert.Equal("image/png", photo.Str("contentType"));
        var served = await teacher.GetAsync(uploaded.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await served.Content.ReadAsByteArrayAsync());
        var report = await (await teacher.GetAsync(path)).ReadJson();
        Assert.Equal(photo.Id(), Assert.Single(report.GetProperty("photos").EnumerateArray()).Id());

        using var otherSchool = system.Staff(await system.SchoolWithAlliance(world.County), Role.Teacher);
        await (await otherSchool.GetAsync(uploaded.Headers.Location)).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_photo_too_large_is_a_400_and_nothing_is_attached()
    {
        var world = await system.SchoolWithAlliance();
        var (teacher, path, etag) = await NewReport(world);
        var big = new byte[2 * 1024 * 1024 + 1];
        big[0] = 0xFF; big[1] = 0xD8; big[2] = 0xFF;

        await (await Upload(teacher, path, etag, big, "image/jpeg")).AssertProblem(HttpStatusCode.BadRequest, "photo");

        await AssertNoPhotos(teacher, path, etag);
    }

    [Theory]
    [InlineData("%PDF-1.7 not a photo")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("MZ\u0090\u0000 an executable")]
    public async Task A_file_that_is_not_an_image_is_a_400_whatever_its_name_and_nothing_is_attached(string content)
    {
        var world = await system.SchoolWithAlliance();
        var (teacher, path, etag) = await NewReport(world);

        await (await Upload(teacher, path, etag, System.Text.Encoding.UTF8.GetBytes(content), "image/jpeg"))
            .AssertProblem(HttpStatusCode.BadRequest, "photo");

        await AssertNoPhotos(teacher, path, etag);
    }

    [Fact]
    public async Task Someone_else_cannot_attach_to_the_report()
    {
        var world = await system.SchoolWithAlliance();
        var (_, path, etag) = await NewReport(world);
        using var parent = system.Staff(world, Role.Parent);

        await (await Upload(parent, path, etag, Png, "image/png")).AssertProblem(HttpStatusCode.NotFound);
    }

    private static async Task AssertNoPhotos(HttpClient client, string path, EntityTagHeaderValue etag)
    {
        var read = await client.GetAsync(path);
        Assert.Equal(etag.Tag, read.Headers.ETag!.Tag);
        Assert.Empty((await read.ReadJson()).GetProperty("photos").EnumerateArray());
    }
}
