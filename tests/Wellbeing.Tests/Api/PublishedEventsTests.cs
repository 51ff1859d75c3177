using System.Net;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>
/// What a departmental subscriber (the health department) receives off the real broker: ReferralMade with opaque ids,
/// and nothing of the child's details anywhere in the message.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PublishedEventsTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_referral_reaches_a_subscriber_as_ReferralMade_without_personal_data()
    {
        await using var probe = await BrokerProbe.BindAsync(system, typeof(JiaoLianTi.Wellbeing.Contracts.ReferralMade));

        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var marker = $"Secret{Guid.NewGuid():N}";
        var (child, _) = await admin.RecordChild(school, $"学生{marker}");
        var made = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Priority", reason = $"原因{marker}" });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var referralId = (await made.ReadJson()).GetProperty("referralId").GetGuid().ToString();

        var messages = (await probe.Until(seen => seen.Any(d => d.Raw.Contains(referralId)))).Select(d => d.Raw).ToArray();
        var message = Assert.Single(messages, m => m.Contains(referralId));
        Assert.Contains(child.ToString(), message);
        Assert.Contains(school.HospitalId.ToString(), message);
        Assert.Contains("Priority", message);
        Assert.DoesNotContain(marker, message);
    }
}
