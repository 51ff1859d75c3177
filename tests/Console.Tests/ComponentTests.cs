using System.Net;
using System.Security.Claims;
using AntDesign;
using Bunit;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Auth;
using JiaoLianTi.Console.Components;
using JiaoLianTi.Console.Components.Shared;
using JiaoLianTi.Platform.Identity;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>The console's pieces with logic, rendered by bUnit (no browser, no system).</summary>
public sealed class ComponentTests : BunitContext
{
    public ComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddAntDesign();
    }

    private static ApiProblem Invalid() => ApiProblem.Parse(HttpStatusCode.BadRequest, """
        {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"请求参数无效 / One or more fields are invalid","status":400,
         "errors":{"name":["必填 / is required"],"countyCode":["不是已知的县级行政区划代码 / is not a known county-level division code"]}}
        """);

    [Fact]
    public void A_field_shows_the_APIs_messages_for_itself_only()
    {
        var field = Render<Field>(p => p.Add(f => f.Name, "countyCode").Add(f => f.Label, "县区代码").Add(f => f.Problem, Invalid())
            .AddChildContent("<input id=\"f-countyCode\" />"));
        var error = field.Find("[data-test=field-error]");
        Assert.Contains("不是已知的县级行政区划代码", error.TextContent);
        Assert.Contains("ant-form-item-has-error", field.Find(".ant-form-item").ClassName);
        Assert.Single(field.FindAll("[data-test=field-error]"));
    }

    [Theory]
    [InlineData("510104", "锦江区")]   // a county (areas.csv)
    [InlineData("5101", "成都市")]     // a city
    [InlineData("51", "四川省")]       // a province
    [InlineData("610113", "雁塔区")]   // another province's county: the whole national list, not Sichuan's only
    public void A_division_shows_its_name_beside_its_code(string code, string name)
    {
        var shown = Render<RegionName>(p => p.Add(r => r.Code, code));
        var span = shown.Find("[data-test=region-name]");
        Assert.Equal($"{name} {code}", span.TextContent.Trim());
        Assert.Equal(name, RegionNames.Of(code));
    }

    [Theory]
    [InlineData("519999")]
    [InlineData("")]
    public void A_code_not_on_the_list_is_shown_as_it_is(string code)
    {
        var shown = Render<RegionName>(p => p.Add(r => r.Code, code));
        Assert.Empty(shown.FindAll("[data-test=region-name]"));
        Assert.Equal(code, shown.Find("[data-code]").TextContent);
        Assert.Null(RegionNames.Of(code));
    }

    [Fact]
    public void A_field_without_a_problem_shows_no_error()
    {
        var field = Render<Field>(p => p.Add(f => f.Name, "name").Add(f => f.Label, "名称"));
        Assert.Empty(field.FindAll("[data-test=field-error]"));
        Assert.DoesNotContain("has-error", field.Find(".ant-form-item").ClassName);
    }

    [Fact]
    public void The_problem_summary_lists_only_the_fields_no_form_field_shows()
    {
        var alert = Render<ProblemAlert>(p => p.Add(a => a.Problem, Invalid()).Add(a => a.Shown, ["name"]));
        Assert.Contains("请求参数无效", alert.Markup);
        var fields = alert.FindAll("[data-test=problem-field]");
        Assert.Single(fields);
        Assert.Equal("countyCode", fields[0].GetAttribute("data-field"));
    }

    [Fact]
    public void A_stale_version_says_someone_changed_this_and_offers_a_reload()
    {
        var reloaded = false;
        var stale = ApiProblem.Parse(HttpStatusCode.PreconditionFailed, """{"title":"版本已过期 / Stale version","status":412,"detail":"expected 1, is 2"}""");
        var alert = Render<ProblemAlert>(p => p.Add(a => a.Problem, stale).Add(a => a.OnReload, () => { reloaded = true; }));
        Assert.Contains("他人已修改此项，请刷新后重试 / Someone changed this; reload", alert.Markup);
        alert.Find("[data-test=reload]").Click();
        Assert.True(reloaded);
    }

    [Fact]
    public void A_rule_refusal_shows_its_stable_code()
    {
        var refused = ApiProblem.Parse(HttpStatusCode.Conflict, """{"title":"违反业务规则 / A rule refused this","status":409,"detail":"The unit is a member already.","code":"already-member"}""");
        var alert = Render<ProblemAlert>(p => p.Add(a => a.Problem, refused));
        Assert.Contains("already-member", alert.Find(".jlt-code").TextContent);
        Assert.Contains("The unit is a member already.", alert.Markup);
    }

    [Fact]
    public void A_body_that_is_not_problem_details_still_gives_a_readable_problem()
    {
        var problem = ApiProblem.Parse(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        Assert.Equal(502, problem.Status);
        Assert.Contains("服务暂不可用", problem.Title);
        Assert.Empty(problem.Errors);
    }

    [Fact]
    public void The_gate_shows_a_school_admin_that_coverage_is_not_their_page()
    {
        AddAuthorization().SetAuthorized("school-admin").SetClaims(
            new Claim(ConsoleClaims.Role, "SchoolAdmin"), new Claim(ConsoleClaims.Region, "510104"), new Claim(ConsoleClaims.Subject, "s"));
        Services.AddScoped<ConsoleUser>();
        var gate = Render<AccessGate>(p => p.Add(g => g.Page, "coverage")
            .Add(g => g.ChildContent, (RenderFragment<Person>)(person => builder => builder.AddContent(0, "COVERAGE"))));
        Assert.Contains("无权访问此页", gate.Find("[data-test=forbidden]").TextContent);
        Assert.DoesNotContain("COVERAGE", gate.Markup);
    }

    [Fact]
    public void The_gate_lets_a_county_officer_in()
    {
        AddAuthorization().SetAuthorized("county").SetClaims(
            new Claim(ConsoleClaims.Role, "CountyAdmin"), new Claim(ConsoleClaims.Region, "510104"), new Claim(ConsoleClaims.Subject, "c"));
        Services.AddScoped<ConsoleUser>();
        var gate = Render<AccessGate>(p => p.Add(g => g.Page, "coverage")
            .Add(g => g.ChildContent, (RenderFragment<Person>)(person => builder => builder.AddContent(0, $"COVERAGE {person.Region}"))));
        Assert.Contains("COVERAGE 510104", gate.Markup);
    }

    [Fact]
    public void Status_tags_name_the_status_in_Chinese_and_English()
    {
        var tag = Render<StatusTag>(p => p.Add(t => t.Value, "Established"));
        Assert.Contains("已成立 Established", tag.Markup);
    }
}

/// <summary>What each role is shown, and the coverage drill-down (plain logic).</summary>
public sealed class NavigationTests
{
    private static Person As(Role role, string region) => new("s", null, role, region, null, null, "dev");

    [Fact]
    public void Each_role_sees_its_own_pages()
    {
        Assert.Contains(Navigation.For(Role.CountyAdmin), p => p.Path == "coverage");
        Assert.Contains(Navigation.For(Role.CountyAdmin), p => p.Path == "safety-plans");
        Assert.DoesNotContain(Navigation.For(Role.SchoolAdmin), p => p.Path is "coverage" or "meetings");
        Assert.Contains(Navigation.For(Role.MemberOfficer), p => p.Path == "inbox");
        Assert.Contains(Navigation.For(Role.Counsellor), p => p.Path == "wellbeing");
        Assert.Equal([""], Navigation.For(Role.Parent).Select(p => p.Path));
        Assert.Empty(Navigation.For(null));
        Assert.False(Navigation.Allows(Role.Teacher, "coverage"));
    }

    [Fact]
    public void Only_the_county_reviews_safety_plans_on_its_workbench()
    {
        Assert.Contains(Todos.For(As(Role.CountyAdmin, "510104")), t => t.Key == "safety-plans" && t.Query.Contains("status=Submitted"));
        Assert.DoesNotContain(Todos.For(As(Role.ProvinceAdmin, "51")), t => t.Key == "safety-plans");
        Assert.Contains(Todos.For(As(Role.MemberOfficer, "510104")), t => t.Key == "inbox-responsibilities");
        Assert.Empty(Todos.For(As(Role.Parent, "510104")));
        Assert.Contains(Todos.For(As(Role.Teacher, "510104")), t => t.Key == "programmes-open" && t.Link == "programmes");
        var figures = System.Text.Json.JsonDocument.Parse("""{"withoutLegalVicePrincipal":[{"schoolId":"a"},{"schoolId":"b"}]}""").RootElement;
        Assert.Equal(2, Todos.For(As(Role.CityAdmin, "5101")).Single(t => t.Key == "legal-without").Count(figures));
        Assert.All(Todos.For(As(Role.CountyAdmin, "510104")), t => Assert.StartsWith("api/", t.Query));
    }

    [Fact]
    public void The_inbox_counts_come_from_its_two_pages()
    {
        var inbox = System.Text.Json.JsonDocument.Parse("""{"unitId":"x","needs":{"total":3},"responsibilities":{"total":5}}""").RootElement;
        var todos = Todos.For(As(Role.MemberOfficer, "510104"));
        Assert.Equal(3, todos.Single(t => t.Key == "inbox-needs").Count(inbox));
        Assert.Equal(5, todos.Single(t => t.Key == "inbox-responsibilities").Count(inbox));
    }

    [Fact]
    public void The_map_drills_from_the_province_to_a_city_and_selects_a_county_there()
    {
        Assert.Equal(("5101", (string?)null), CoverageDrill.Click("51", "510104"));
        Assert.Equal(((string?)null, "510104"), CoverageDrill.Click("5101", "510104"));
        Assert.Equal(("5111", (string?)null), CoverageDrill.Click("5101", "511102"));
        Assert.Equal(((string?)null, (string?)null), CoverageDrill.Click("51", "520102"));
        Assert.Equal("51", CoverageDrill.Up("5101"));
        Assert.Null(CoverageDrill.Up("51"));
        Assert.Equal("51", CoverageDrill.Home("510104"));
        Assert.Equal("510104", CoverageDrill.HomeSelection("510104"));
        Assert.Null(CoverageDrill.HomeSelection("5101"));
        Assert.Equal("51", CoverageDrill.MapPrefix("510104"));
        Assert.Equal("5101", CoverageDrill.MapPrefix("5101"));
        Assert.Equal("70.5%", CoverageDrill.Percent(0.7049));
    }
}
