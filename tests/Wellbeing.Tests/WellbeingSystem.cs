using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using JiaoLianTi.Platform.AlliancesReplica;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Wellbeing.Tests;

/// <summary>The whole system once for this assembly, Wellbeing on a controlled clock (started at the real now, so tokens
/// stay valid; background checks never fire on their own, tests run them with a chosen <c>now</c>).</summary>
public sealed class WellbeingSystem : TestSystem
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Today in China (UTC+8) on <see cref="Clock"/>: the day a body's dates are reckoned in (README).</summary>
    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    public WellbeingSystem() => Configure("wellbeing", s => s.AddSingleton<TimeProvider>(Clock));

    public IDocumentStore Store => Services("wellbeing").GetRequiredService<IDocumentStore>();

    /// <summary>A county, a school in a school alliance it leads, a hospital and a community committee that are members, and
    /// a hospital outside it; announced the way Alliances announces them, and waited for.</summary>
    public async Task<School> SchoolAsync(string county = "510104")
    {
        var school = new School(Guid.NewGuid(), county, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await PublishAsync(new MemberUnitRegistered(school.Id, MemberUnitKinds.School, "测试学校", county, now));
        await PublishAsync(new MemberUnitRegistered(school.HospitalId, MemberUnitKinds.Hospital, "测试医院", county, now));
        await PublishAsync(new MemberUnitRegistered(school.CommunityId, MemberUnitKinds.CommunityCommittee, "社区", county, now));
        await PublishAsync(new MemberUnitRegistered(school.OutsideHospitalId, MemberUnitKinds.Hospital, "外部医院", county, now));
        await PublishAsync(new MemberJoined(school.AllianceId, school.Id, MemberUnitKinds.School, county, "Lead", now));
        await PublishAsync(new MemberJoined(school.AllianceId, school.HospitalId, MemberUnitKinds.Hospital, county, "Member", now));
        await PublishAsync(new MemberJoined(school.AllianceId, school.CommunityId, MemberUnitKinds.CommunityCommittee, county, "Member", now));
        await PublishAsync(new MemberJoined(Guid.NewGuid(), school.OutsideHospitalId, MemberUnitKinds.Hospital, county, "Member", now));
        await Eventually.Until(async () =>
        {
            await using var q = Store.QuerySession();
            return await q.Query<KnownMembership>().CountAsync(m => m.UnitId == school.Id || m.UnitId == school.HospitalId
                || m.UnitId == school.CommunityId || m.UnitId == school.OutsideHospitalId);
        }, n => n == 4);
        return school;
    }

    public HttpClient Admin(School s) => Client(new TokenRequest(Role.SchoolAdmin, s.County, s.Id, Subject: $"admin-{s.Id:N}"));
    public HttpClient Counsellor(School s, string subject) => Client(new TokenRequest(Role.Counsellor, s.County, s.Id, Subject: subject));
}

public sealed record School(Guid Id, string County, Guid AllianceId, Guid HospitalId, Guid CommunityId, Guid OutsideHospitalId, Guid Unused);

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<WellbeingSystem>
{
    public const string Name = "wellbeing-system";
}

internal static class Http
{
    /// <summary>Records a child under 14 with a guardian's consent; returns its id and ETag.</summary>
    public static async Task<(Guid Id, string ETag)> RecordChild(this HttpClient client, School school, string name = "张小明",
        string? counsellor = null, DateOnly? born = null)
    {
        var id = Guid.NewGuid();
        var response = await client.Post("/api/wellbeing/children", new
        {
            studentId = id, schoolId = school.Id, name, dateOfBirth = born ?? new DateOnly(2015, 3, 1), className = "三年级二班",
            guardians = new[] { new { name = "张大明", relation = "父亲", phone = "13800000000" } },
            consent = "Given", consentGivenBy = "张大明", counsellor,
        });
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"record child: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (id, response.ETag());
    }
}
