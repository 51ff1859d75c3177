using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Parents;
using JiaoLianTi.ParentSchool.Recommendations;
using JiaoLianTi.Platform.EventStore;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

public sealed class ParentIdsTests
{
    [Fact]
    public void A_parent_id_is_a_stable_version_5_uuid_that_does_not_reveal_the_subject()
    {
        var id = ParentIds.Of("parent-zhang-san");

        Assert.Equal(id, ParentIds.Of("parent-zhang-san"));
        Assert.NotEqual(id, ParentIds.Of("parent-li-si"));
        Assert.Equal(5, id.Version);
        Assert.DoesNotContain("zhang", id.ToString());
    }

    [Fact]
    public void The_name_based_uuid_matches_rfc_9562()
    {
        // RFC 9562 appendix A: the DNS namespace and "www.example.com" give this version-5 UUID.
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            NameBasedIds.Create(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));
    }

    [Fact]
    public void One_enrolment_id_per_parent_and_course()
    {
        var parent = Guid.NewGuid();
        var course = Guid.NewGuid();

        Assert.Equal(ParentIds.EnrolmentOf(parent, course), ParentIds.EnrolmentOf(parent, course));
        Assert.NotEqual(ParentIds.EnrolmentOf(parent, course), ParentIds.EnrolmentOf(Guid.NewGuid(), course));
    }

    [Fact]
    public void Activity_topics_lead_to_course_topics()
    {
        Assert.Equal([CourseTopic.Safety, CourseTopic.Law], Reasons.TopicsAfterActivity("Lecture", ["PoliceSchool"]));
        Assert.Equal([CourseTopic.Safety, CourseTopic.StudyHabits], Reasons.TopicsAfterActivity("StudyTrip", ["VenueSchool"]));
        Assert.Empty(Reasons.TopicsAfterActivity("Lecture", ["Unknown"]));
    }
}
