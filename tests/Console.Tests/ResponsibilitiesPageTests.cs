using System.Security.Claims;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 责任清单 as a member unit's officer sees it: each ticket names the unit that owes it and its alliance, and one the
/// county has taken up (escalated: the API's <c>escalatedAt</c>) says 已督办.
/// </summary>
public sealed class ResponsibilitiesPageTests() : CannedGateway("MemberOfficer", new Claim(ConsoleClaims.MemberUnitId, Unit))
{
    private const string Unit = "01a243e1-ea00-7abf-b0b0-ecdcb9dbe55b";

    /// <summary>The responsibilities list as the API answers it: one overdue and escalated, one assigned.</summary>
    protected override string Answer(HttpRequestMessage request)
    {
        var query = request.RequestUri!.Query;
        return query.Contains("status=Overdue") ? $"[{Item("护学岗值守排班", "Overdue", "\"2026-11-25T16:00:00+00:00\"")}]"
            : query.Contains("status=Assigned") ? $"[{Item("开学季校园周边交通整治", "Assigned", "null")}]"
            : "[]";
    }

    private static string Item(string title, string status, string escalatedAt) => $$"""
        {"id":"{{Guid.NewGuid()}}","allianceId":"{{Guid.NewGuid()}}","unitId":"{{Unit}}","title":"{{title}}","dueOn":"2026-11-20",
         "countyCode":"510104","status":"{{status}}","escalatedAt":{{escalatedAt}},"allianceName":"锦江区家校社协同育人教联体",
         "unitName":"锦江区公安分局城关派出所","version":1}
        """;

    [Fact]
    public void A_ticket_names_who_owes_it_and_an_escalated_one_says_so()
    {
        var page = Render<Components.Pages.Responsibilities>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".jlt-ticket").Count), TimeSpan.FromSeconds(10));
        var overdue = page.Find("[data-status=Overdue] .jlt-ticket");
        Assert.Contains("锦江区公安分局城关派出所", overdue.QuerySelector("[data-test=responsibility-unit]")!.TextContent);
        Assert.Contains("锦江区家校社协同育人教联体", overdue.TextContent);
        Assert.NotNull(overdue.QuerySelector("[data-test=escalated]"));
        var assigned = page.Find("[data-status=Assigned] .jlt-ticket");
        Assert.Null(assigned.QuerySelector("[data-test=escalated]"));
    }
}
