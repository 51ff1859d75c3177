using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Dimensions;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.Given;

namespace JiaoLianTi.Activities.Tests.Deciders;

/// <summary>五育 on an activity's draft: as named, or what its kind serves; and the activities from before dimensions.</summary>
public sealed class DraftActivityDimensionTests
{
    private static DraftActivity When(ActivityKind kind, IReadOnlyList<Dimension>? dimensions = null, Guid? baseId = null,
        ResourceTerms? resource = null) =>
        new(Id, kind, Guid.NewGuid(), null, resource, "活动", "学校", false, Now.AddDays(2), Now.AddDays(2).AddHours(2), 30, 6,
            18, "510104", [], "admin", Now, Dimensions: dimensions, BaseId: baseId);

    [Fact]
    public void The_named_dimensions_each_once_in_the_order_of_the_five()
    {
        var e = Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(
            When(ActivityKind.Lecture, [Dimension.Labour, Dimension.Aesthetic, Dimension.Labour]), null)));
        Assert.Equal([Dimension.Aesthetic, Dimension.Labour], e.Dimensions);
        Assert.Equal([Dimension.Aesthetic, Dimension.Labour], Activity.Create(e).Facts().Serves());
    }

    [Theory]
    [InlineData(ActivityKind.StudyTrip, new[] { Dimension.Moral, Dimension.Intellectual })]
    [InlineData(ActivityKind.CommunityClass, new[] { Dimension.Moral, Dimension.Labour })]
    [InlineData(ActivityKind.VolunteerService, new[] { Dimension.Moral, Dimension.Labour })]
    [InlineData(ActivityKind.Lecture, new[] { Dimension.Intellectual })]
    [InlineData(ActivityKind.Sport, new[] { Dimension.Physical })]
    public void None_named_serves_what_its_kind_serves(ActivityKind kind, Dimension[] expected)
    {
        var e = Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(When(kind), null)));
        Assert.Equal(expected, e.Dimensions);
    }

    [Fact]
    public void An_activity_drafted_before_dimensions_reads_what_its_kind_serves()
    {
        var old = Drafted() with { Kind = ActivityKind.Sport, Dimensions = null };
        Assert.Equal([Dimension.Physical], Activity.Create(old).Dimensions);
        Assert.Equal([Dimension.Physical], ActivityView.Create(old).Dimensions);
        Assert.Equal([Dimension.Physical], Activity.Create(old).Facts().Serves());
        Assert.Equal([Dimension.Physical], new ActivityView { Kind = ActivityKind.Sport }.Dimensions);
    }

    [Fact]
    public void The_base_is_as_named_or_else_the_resource_it_uses()
    {
        var named = Guid.NewGuid();
        var resource = new ResourceTerms(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 100, false);
        Assert.Equal(named, Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(When(ActivityKind.StudyTrip, baseId: named, resource: resource), null))).BaseId);
        Assert.Equal(resource.ResourceId, Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(When(ActivityKind.StudyTrip, resource: resource), null))).BaseId);
        Assert.Null(Assert.IsType<ActivityDrafted>(Assert.Single(ActivityDecider.Decide(When(ActivityKind.Lecture), null))).BaseId);
    }

    [Fact]
    public void Every_dimension_has_a_chinese_label_first()
    {
        Assert.Equal(["德", "智", "体", "美", "劳"], FiveEducations.All.Select(d => d.Short()));
        Assert.All(FiveEducations.All, d => Assert.Contains(" / ", d.Label()));
        Assert.Equal("劳动教育 / labour", Dimension.Labour.Label());
    }
}
