using JasperFx.Events;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Integration;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;
using Contracts = JiaoLianTi.Alliances.Contracts;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>Every contract of Alliances.Contracts leaves through the map, from the internal event that means it.</summary>
public sealed class AllianceEventsMapTests
{
    private static readonly AllianceEventsMap Map = new();
    private static readonly Guid A = Guid.NewGuid(), U = Guid.NewGuid(), X = Guid.NewGuid();
    private static readonly DateOnly Due = new(2026, 12, 1);

    private static object? Out<T>(T data) where T : notnull => Map.ToIntegrationEvent(new Event<T>(data));

    public static TheoryData<object, object> Pairs => new()
    {
        { new MemberUnitRegistered(U, MemberUnitKind.School, "一小", County, "王", "1", "a", Now),
          new Contracts.MemberUnitRegistered(U, "School", "一小", County, Now) },
        { new AllianceEstablished(A, "教联体", AllianceKind.School, County, "一小", "a", Now, U),
          new Contracts.AllianceEstablished(A, "教联体", "School", County, "一小", Now, U) },
        { new AllianceSuspended(A, County, "r", "a", Now), new Contracts.AllianceSuspended(A, County, "r", Now) },
        { new AllianceReestablished(A, County, "a", Now), new Contracts.AllianceReestablished(A, County, Now) },
        { new AllianceDissolved(A, County, "r", "a", Now), new Contracts.AllianceDissolved(A, County, "r", Now) },
        { new MemberJoined(A, U, MemberUnitKind.School, County, MemberRole.Lead, "a", Now),
          new Contracts.MemberJoined(A, U, "School", County, "Lead", Now) },
        { new MemberLeft(A, U, MemberUnitKind.Hospital, County, MemberRole.Member, Now, "r", "a", Now), new Contracts.MemberLeft(A, U, Now) },
        { new ResourceWithdrawn(X, A, County, "r", "a", Now), new Contracts.ResourceWithdrawn(X, A, "r", Now) },
        { new NeedRaised(X, A, U, NeedCategory.Safety, "孩子的事不出门", County, "s", Now),
          new Contracts.NeedRaised(X, A, U, "Safety", County, Now) },
        { new NeedAccepted(X, A, U, "o", Now), new Contracts.NeedAccepted(X, A, U, Now) },
        { new NeedResolved(X, A, U, "done", "o", Now), new Contracts.NeedResolved(X, A, U, Now) },
        { new ResponsibilityAssigned(X, A, U, "t", "d", Due, 2, County, null, "a", Now),
          new Contracts.ResponsibilityAssigned(X, A, U, "t", Due, County, Now) },
        { new ResponsibilityOverdue(X, A, U, Due, County, Now), new Contracts.ResponsibilityOverdue(X, A, U, Due, County, Now) },
        { new ResponsibilityEscalated(X, A, U, County, Now), new Contracts.ResponsibilityEscalated(X, A, U, County, Now) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_event_leaves_as_its_contract(object internalEvent, object contract) =>
        Assert.Equal(contract, Map.ToIntegrationEvent(
            (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(internalEvent.GetType()), internalEvent)!));

    [Fact]
    public void The_facts_others_keep_leave_with_their_stream_version_so_that_the_newer_one_wins()
    {
        var left = Assert.IsType<Contracts.MemberLeft>(Map.ToIntegrationEvent(new Event<MemberLeft>(
            new MemberLeft(A, U, MemberUnitKind.Hospital, County, MemberRole.Member, Now, "r", "a", Now)) { Version = 7 }));
        Assert.Equal(7, left.Version);
        var withdrawn = Assert.IsType<Contracts.ResourceWithdrawn>(Map.ToIntegrationEvent(new Event<ResourceWithdrawn>(
            new ResourceWithdrawn(X, A, County, "r", "a", Now)) { Version = 2 }));
        Assert.Equal(2, withdrawn.Version);
        Assert.True(Contracts.FactOrder.IsNewer(left.Version, Now.AddDays(-1), heldVersion: 6, heldAt: Now));
        Assert.False(Contracts.FactOrder.IsNewer(5, Now.AddDays(1), heldVersion: 6, heldAt: Now));
    }

    [Fact]
    public void A_published_resource_leaves_with_its_capacity_and_topics()
    {
        var published = Assert.IsType<Contracts.ResourcePublished>(Out(new ResourcePublished(
            X, A, U, ResourceKind.Venue, "展厅", ["VenueSchool"], 60, "周末", County, "a", Now)));
        Assert.Equal((X, A, U, "Venue", 60, County), (published.ResourceId, published.AllianceId, published.UnitId, published.Kind, published.Capacity, published.CountyCode));
        Assert.Equal(["VenueSchool"], published.Topics);
    }

    [Fact]
    public void What_stays_inside_does_not_leave()
    {
        Assert.Null(Out(new UnitContactChanged(U, "张", "1", "a", Now)));
        Assert.Null(Out(new CharterAmended(A, "章程", "a", Now)));
        Assert.Null(Out(new NeedDeclined(X, A, U, "r", "o", Now)));
    }
}
