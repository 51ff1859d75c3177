using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Library;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class PublishLibraryItemTests
{
    private static LibraryItemPublished Published(Guid id) => new(id, LibraryItemKind.Guide, "指南 guide", CourseTopic.Safety, [],
        CourseScope.County, "510104", null, "摘要", "正文", null, "county-admin", Given.Now);

    [Fact]
    public void A_new_item_is_published_at_once()
    {
        var id = Guid.NewGuid();

        var state = LibraryItem.Create(Assert.IsType<LibraryItemPublished>(Assert.Single(LibraryItemDecider.Decide(Published(id), null))));

        Assert.Equal(LibraryItemStatus.Published, state.Status);
    }

    [Fact]
    public void An_item_that_exists_is_not_published_again()
    {
        var id = Guid.NewGuid();
        Assert.Equal("item-exists", Assert.Throws<RuleViolation>(() =>
            LibraryItemDecider.Decide(Published(id), LibraryItem.Create(Published(id)))).Code);
    }
}

public sealed class RetireLibraryItemTests
{
    private static LibraryItem Item() => LibraryItem.Create(new LibraryItemPublished(Guid.NewGuid(), LibraryItemKind.Video, "视频",
        CourseTopic.MentalHealth, [5], CourseScope.Province, "51", null, "摘要", null, "https://v.example.cn/1", "p", Given.Now));

    [Fact]
    public void A_published_item_is_retired()
    {
        var item = Item();

        var retired = Assert.IsType<LibraryItemRetired>(Assert.Single(LibraryItemDecider.Decide(new RetireLibraryItem(item.Id, "p", Given.Now), item)));

        Assert.Equal(LibraryItemStatus.Retired, item.Apply(retired).Status);
    }

    [Fact]
    public void A_retired_item_is_not_retired_twice()
    {
        var item = Item();
        var retired = item.Apply(new LibraryItemRetired(item.Id, "p", Given.Now));

        Assert.Equal("item-retired", Assert.Throws<RuleViolation>(() =>
            LibraryItemDecider.Decide(new RetireLibraryItem(item.Id, "p", Given.Now), retired)).Code);
    }
}
