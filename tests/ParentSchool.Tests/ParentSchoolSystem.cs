using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.ParentSchool.Tests;

/// <summary>
/// The whole system, once for every API test of this project, with ParentSchool's clock under the tests' control:
/// it runs with real time plus <see cref="ShiftedClock.Offset"/>, so a test can step past a meeting's start and back
/// (tokens are minted on real time, so the offset stays within hours).
/// </summary>
public sealed class ParentSchoolSystem : TestSystem
{
    public ShiftedClock Clock { get; } = new();

    public ParentSchoolSystem() => Configure("parentschool", s => s.AddSingleton<TimeProvider>(Clock));

    /// <summary>A place of its own for each test: a province code, a county in it, a school in that county.</summary>
    public static Place NewPlace()
    {
        // Never 51 (Sichuan): the demo seed's province, which its test needs to itself.
        var province = Random.Shared.Next(11, 98) is var p && p >= 51 ? (p + 1).ToString() : p.ToString();
        return new Place(province, province + Random.Shared.Next(1000, 9999).ToString(), Guid.NewGuid());
    }

    public HttpClient Parent(Place place, string? subject = null, Guid? school = null, IReadOnlyList<Guid>? children = null) =>
        Client(new TokenRequest(Role.Parent, place.County, school ?? place.School, Subject: subject ?? $"parent-{Guid.NewGuid():N}",
            Children: children));

    public HttpClient SchoolAdmin(Place place, Guid? school = null) => Client(Role.SchoolAdmin, place.County, school ?? place.School);

    public HttpClient Teacher(Place place, Guid? school = null) => Client(Role.Teacher, place.County, school ?? place.School);

    public HttpClient CountyAdmin(Place place) => Client(Role.CountyAdmin, place.County);

    public HttpClient ProvinceAdmin(Place place) => Client(Role.ProvinceAdmin, place.Province);
}

public sealed record Place(string Province, string County, Guid School);

public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<ParentSchoolSystem>
{
    public const string Name = "parentschool-system";
}
