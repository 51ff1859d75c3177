using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using JiaoLianTi.Console.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 一校一策 as a school's admin draws it up: a summary and a bus route with its stops' times (sent as the API reads
/// them), then the plan's page; there the plan is revised (a stop added) and its yearly review recorded, each with the
/// revision read as If-Match.
/// </summary>
public sealed class TrafficPlanSchoolTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, TrafficPlanAnswers.School))
{
    /// <summary>Whether the school has its plan yet (else the API answers 404).</summary>
    public bool Drawn { get; set; }

    protected override string Answer(HttpRequestMessage request) => TrafficPlanAnswers.For(request, Drawn);

    protected override HttpStatusCode Status(HttpRequestMessage request) =>
        !Drawn && request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == $"/api/campussafety/traffic-plans/{TrafficPlanAnswers.School}"
            ? HttpStatusCode.NotFound : HttpStatusCode.OK;

    protected override string? ETag(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath == $"/api/campussafety/traffic-plans/{TrafficPlanAnswers.School}" ? "\"3\"" : null;

    [Fact]
    public void The_school_draws_up_its_plan_with_a_bus_route_and_is_taken_to_it()
    {
        var page = Render<Components.Pages.TrafficPlans>();
        page.WaitForAssertion(() => page.Find("[data-test=plan-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=plan-summary]").Change("东门设护学岗，7:30-8:10 禁止车辆停靠。");
        page.Find("[data-test=route-add]").Click();
        page.Find("[data-test=route-name-0]").Change("东线");
        page.Find("[data-test=route-vehicle-0]").Change("川A·12345");
        page.Find("[data-test=stop-name-0-0]").Change("春熙路站");
        page.Find("[data-test=stop-time-0-0]").Change("07:10");
        page.Find("[data-test=stop-name-0-1]").Change("学校东门");
        page.Find("[data-test=stop-time-0-1]").Change("07:35");
        page.Find("[data-test=plan-form]").Submit();

        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Post, "/api/campussafety/traffic-plans"), (Sent[0].Method, Sent[0].Path));
        var body = JsonDocument.Parse(Sent[0].Body).RootElement;
        Assert.Equal(TrafficPlanAnswers.School, body.GetProperty("schoolId").GetString());
        var route = body.GetProperty("routes")[0];
        Assert.Equal(("东线", "川A·12345"), (route.GetProperty("name").GetString(), route.GetProperty("vehicle").GetString()));
        Assert.Equal([("春熙路站", "07:10:00"), ("学校东门", "07:35:00")],
            route.GetProperty("stops").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("time").GetString())));
        page.WaitForAssertion(() => Assert.EndsWith($"traffic-plans/{TrafficPlanAnswers.School}",
            Services.GetRequiredService<NavigationManager>().Uri), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_school_revises_its_plan_and_records_the_yearly_review()
    {
        Drawn = true;
        var page = Render<Components.Pages.TrafficPlanDetail>(p => p.Add(x => x.SchoolId, Guid.Parse(TrafficPlanAnswers.School)));
        page.WaitForAssertion(() => page.Find("[data-test=plan-edit]"), TimeSpan.FromSeconds(10));
        Assert.Contains("07:10 春熙路站", page.Find("[data-test=plan-route]").TextContent);
        Assert.Contains("逾期", page.Find("[data-test=plan-facts]").TextContent);

        page.Find("[data-test=plan-edit]").Click();
        Assert.Equal("07:35", page.Find("[data-test=stop-time-0-1]").GetAttribute("value"));
        page.Find("[data-test=stop-add-0]").Click();
        page.Find("[data-test=stop-name-0-2]").Change("学校西门");
        page.Find("[data-test=stop-time-0-2]").Change("07:45");
        page.Find("[data-test=plan-revise-form]").Submit();
        page.WaitForAssertion(() => Assert.Single(Sent), TimeSpan.FromSeconds(10));
        Assert.Equal((HttpMethod.Put, $"/api/campussafety/traffic-plans/{TrafficPlanAnswers.School}", "\"3\""), (Sent[0].Method, Sent[0].Path, Sent[0].IfMatch));
        var stops = JsonDocument.Parse(Sent[0].Body).RootElement.GetProperty("routes")[0].GetProperty("stops");
        Assert.Equal(3, stops.GetArrayLength());
        Assert.Equal("07:45:00", stops[2].GetProperty("time").GetString());

        page.WaitForAssertion(() => page.Find("[data-test=plan-review-open]").Click(), TimeSpan.FromSeconds(10));
        page.Find("[data-test=plan-review-notes]").Change("路口红绿灯已改造，线路不变。");
        page.Find("[data-test=plan-review-form]").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, Sent.Count), TimeSpan.FromSeconds(10));
        Assert.Equal(($"/api/campussafety/traffic-plans/{TrafficPlanAnswers.School}/review", "\"3\""), (Sent[1].Path, Sent[1].IfMatch));
        Assert.Equal("路口红绿灯已改造，线路不变。", JsonDocument.Parse(Sent[1].Body).RootElement.GetProperty("notes").GetString());
    }
}

/// <summary>A stop without its time: the API's reason stands beside that stop's time, and the plan stays as typed.</summary>
public sealed class TrafficPlanRefusalTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, TrafficPlanAnswers.School))
{
    protected override string Answer(HttpRequestMessage request) => TrafficPlanAnswers.For(request, drawn: false);

    protected override HttpStatusCode Status(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.StartsWith("/api/campussafety/traffic-plans/", StringComparison.Ordinal)
            ? HttpStatusCode.NotFound : HttpStatusCode.OK;

    protected override string RefusesPosts => """{"title":"输入有误 / Invalid input","status":400,"errors":{"routes[0].stops[1].time":["必填 / is required"]}}""";

    [Fact]
    public void A_stop_without_its_time_is_named_beside_it()
    {
        var page = Render<Components.Pages.TrafficPlans>();
        page.WaitForAssertion(() => page.Find("[data-test=plan-form]"), TimeSpan.FromSeconds(10));
        page.Find("[data-test=plan-summary]").Change("东门护学岗");
        page.Find("[data-test=route-add]").Click();
        page.Find("[data-test=route-name-0]").Change("东线");
        page.Find("[data-test=plan-form]").Submit();
        page.WaitForAssertion(() => Assert.Contains("必填", page.Find("[data-test=route] [data-test=stop][data-index='1'] [data-field='routes[0].stops[1].time']").TextContent),
            TimeSpan.FromSeconds(10));
        Assert.Equal("东线", page.Find("[data-test=route-name-0]").GetAttribute("value"));
    }
}

/// <summary>The county follows its schools' plans, overdue reviews flagged and filtered; it records a review, never a revision.</summary>
public sealed class TrafficPlanCountyTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => TrafficPlanAnswers.For(request, drawn: true);

    protected override string? ETag(HttpRequestMessage request) => "\"3\"";

    [Fact]
    public void The_county_sees_the_overdue_plan_and_may_review_but_not_revise_it()
    {
        var page = Render<Components.Pages.TrafficPlans>();
        page.WaitForAssertion(() => Assert.Contains("逾期", page.Find("[data-test=review-due]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=plan-form]"));
        page.Find("[data-test=overdue-filter]").Change(true);
        page.WaitForAssertion(() => Assert.Contains(TrafficPlanAnswers.Asked, q => q.Contains("reviewOverdue=true")), TimeSpan.FromSeconds(10));

        var plan = Render<Components.Pages.TrafficPlanDetail>(p => p.Add(x => x.SchoolId, Guid.Parse(TrafficPlanAnswers.School)));
        plan.WaitForAssertion(() => plan.Find("[data-test=plan-review-open]"), TimeSpan.FromSeconds(10));
        Assert.Empty(plan.FindAll("[data-test=plan-edit]"));
    }
}

internal static class TrafficPlanAnswers
{
    public const string School = "01a244a1-47fc-7b88-92d5-a1fc48d78113";

    public static readonly List<string> Asked = [];

    private const string Plan = $$"""
        {"id":"{{School}}","countyCode":"510104","summary":"东门设护学岗。","routes":[{"name":"东线","vehicle":"川A·12345",
          "stops":[{"name":"春熙路站","time":"07:10:00"},{"name":"学校东门","time":"07:35:00"}]}],
         "reviewDueOn":"2026-09-01","drawnUpAt":"2025-09-01T02:00:00+00:00","version":3,"schoolId":"{{School}}",
         "lastReviewedAt":null,"lastReviewNotes":null}
        """;

    public static string For(HttpRequestMessage request, bool drawn)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/api/campussafety/traffic-plans" && request.Method == HttpMethod.Get)
        {
            lock (Asked) Asked.Add(request.RequestUri.Query);
            return $"[{Plan}]";
        }
        if (path.StartsWith("/api/campussafety/traffic-plans", StringComparison.Ordinal))
        {
            return drawn || request.Method != HttpMethod.Get ? Plan
                : """{"status":404,"title":"未找到 / Not found","detail":"交通安全方案 不存在 / not found"}""";
        }
        if (path == $"/api/alliances/units/{School}")
        {
            return $$"""{"id":"{{School}}","name":"锦江区第1小学","kind":"School","countyCode":"510104"}""";
        }
        return "[]";
    }
}
