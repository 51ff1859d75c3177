using System.Security.Claims;
using Bunit;
using JiaoLianTi.Console.Auth;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 统计报表 as a county officer reads it: each school's after-school share, the 五育 it has nothing in, the county's
/// health screening and which schools have no legal vice-principal. The answers are the APIs' own (the demo's 锦江区).
/// </summary>
public sealed class FiguresCountyTests() : CannedGateway("CountyAdmin")
{
    protected override string Answer(HttpRequestMessage request) => FigureAnswers.For(request.RequestUri!.AbsolutePath, "510104");

    [Fact]
    public void A_county_sees_its_schools_in_each_figure_and_what_each_misses()
    {
        var page = Render<Components.Pages.Figures>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=legal-schools] tr[data-school]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=afterschool-counties]"));

        var afterSchool = page.Find("[data-test=afterschool-schools]").TextContent;
        Assert.Contains("锦江区实验学校1部", afterSchool);
        Assert.Contains("19.5%", afterSchool);
        Assert.Contains("未报 not declared", afterSchool); // a school that declared no students has no share

        var dimensions = page.Find($"[data-test=dimensions-schools] tr[data-school='{FigureAnswers.Without}']");
        Assert.Contains("缺", dimensions.TextContent);
        Assert.Equal("德育、智育", dimensions.QuerySelector("[data-test=missing]")!.TextContent.Trim());
        Assert.Contains("2 项 · 15 人次", page.Find($"[data-test=dimensions-schools] tr[data-school='{FigureAnswers.With}']").TextContent);

        var total = page.Find("[data-test=health-total]").TextContent;
        Assert.Contains("86.4%", total);
        Assert.Contains("<5", total); // a small count stays suppressed, and so does its rate
        Assert.Contains("4 年级", page.Find("[data-test=health-grades]").TextContent);
        Assert.Contains("66.7%", page.Find("[data-test=health-grades]").TextContent);

        Assert.Contains("4", page.Find("[data-test=legal-total]").TextContent);
        Assert.Contains("未配备", page.Find($"[data-test=legal-schools] tr[data-school='{FigureAnswers.Without}']").TextContent);
        Assert.Contains("2", page.Find($"[data-test=legal-schools] tr[data-school='{FigureAnswers.With}']").TextContent);
    }
}

/// <summary>A city's officer sees its counties by name, each a link to that county's schools.</summary>
public sealed class FiguresCityTests() : CannedGateway("CityAdmin", new Claim(ConsoleClaims.Region, "5101"))
{
    protected override string Answer(HttpRequestMessage request) => FigureAnswers.For(request.RequestUri!.AbsolutePath, "5101");

    [Fact]
    public void A_city_sees_its_counties_and_each_leads_to_its_schools()
    {
        var page = Render<Components.Pages.Figures>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=legal-counties]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-test=afterschool-schools]"));
        Assert.Empty(page.FindAll("[data-test=legal-schools]"));
        var county = page.Find("[data-test=afterschool-counties] a");
        Assert.Equal("figures?county=510104", county.GetAttribute("href"));
        Assert.Contains("锦江区", county.TextContent);
        Assert.Contains("16.7%", page.Find("[data-test=afterschool-counties]").TextContent);
        Assert.Contains("57.1%", page.Find("[data-test=legal-counties]").TextContent);
        Assert.Contains("4", page.Find("[data-test=dimensions-counties]").TextContent); // four schools with no 德育
    }
}

/// <summary>A school's administrator sees the school's own after-school and 五育 figures; the bureaus' figures are not asked for.</summary>
public sealed class FiguresSchoolTests() : CannedGateway("SchoolAdmin", new Claim(ConsoleClaims.SchoolId, FigureAnswers.With))
{
    private readonly List<string> asked = [];

    protected override string Answer(HttpRequestMessage request)
    {
        lock (asked) asked.Add(request.RequestUri!.AbsolutePath);
        if (request.RequestUri.AbsolutePath.EndsWith("/participation", StringComparison.Ordinal)) FigureAnswers.ParticipationQuery = request.RequestUri.Query;
        return FigureAnswers.For(request.RequestUri!.AbsolutePath, "510104");
    }

    [Fact]
    public void A_school_sees_its_own_figures_only()
    {
        var page = Render<Components.Pages.Figures>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=dimensions-schools]")), TimeSpan.FromSeconds(10));
        Assert.Contains("本校", page.Find("[data-test=figures-scope]").TextContent);
        Assert.Empty(page.FindAll("[data-test=health]"));
        Assert.Empty(page.FindAll("[data-test=legal]"));
        lock (asked)
        {
            Assert.DoesNotContain(asked, p => p.StartsWith("/api/wellbeing") || p.StartsWith("/api/campussafety"));
        }
        // The school's own participation this term: its students' registrations and the activities it ran, by kind.
        page.WaitForAssertion(() => Assert.Equal("23", page.Find("[data-test=participation-students]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("17", page.Find("[data-test=participation-attended]").TextContent);
        Assert.Contains("讲座 2", page.Find("[data-test=participation-kinds]").TextContent);
        Assert.DoesNotContain("研学实践", page.Find("[data-test=participation-kinds]").TextContent); // none run: left out
        Assert.Contains("报名截止 1", page.Find("[data-test=participation-statuses]").TextContent);
        Assert.Contains("from=", FigureAnswers.ParticipationQuery);
        Assert.Contains("to=", FigureAnswers.ParticipationQuery);
    }
}

/// <summary>The figures APIs' answers, trimmed from the demo system's (two of 锦江区's seven schools).</summary>
internal static class FigureAnswers
{
    public const string With = "01a244a1-47fc-7a5e-9e37-1724cdb91372";
    public const string Without = "01a244a1-47fc-7b88-92d5-a1fc48d78113";

    /// <summary>The query of the last participation request (the term's period).</summary>
    public static string ParticipationQuery { get; set; } = "";

    public static string For(string path, string region) => path switch
    {
        $"/api/activities/schools/{With}/participation" => $$"""
            {"schoolId":"{{With}}","from":null,"to":null,"activitiesByStatus":{"Draft":0,"AwaitingSafetyPlan":0,"Open":1,"Closed":1,"Completed":1,"Cancelled":0},
             "activitiesByKind":{"StudyTrip":0,"CommunityClass":1,"VolunteerService":0,"Lecture":2,"Sport":0},
             "studentsRegistered":23,"confirmed":20,"waitlisted":3,"attended":17,"volunteerHoursApproved":12.5}
            """,
        "/api/activities/programmes/figures" => $$"""
            {"term":"2026-autumn","smallCountThreshold":5,
             "counties":[{"countyCode":"510104","schools":7,"schoolsWithProgrammes":3,"schoolsDeclared":3,"enrolled":"47","declaredStudents":282,"share":0.1667,"sessionsHeld":6,"providerHours":9.0}],
             "schools":[{"schoolId":"{{With}}","schoolName":"锦江区实验学校1部","countyCode":"510104","programmes":3,"enrolled":"15","declaredStudents":77,"share":0.1948,"sessionsHeld":2,"providerHours":3.0,"flaggedProgrammes":0},
                        {"schoolId":"{{Without}}","schoolName":"锦江区第1小学","countyCode":"510104","programmes":0,"enrolled":"0","declaredStudents":null,"share":null,"sessionsHeld":0,"providerHours":0,"flaggedProgrammes":0}]}
            """,
        "/api/activities/dimensions/figures" => $$"""
            {"from":"2026-09-01","to":"2027-01-31","term":"2026-autumn","smallCountThreshold":5,
             "overall":[{"dimension":"Moral","label":"德育 / moral","activities":3,"programmes":3,"attendances":"0","studentHours":0.0},
                        {"dimension":"Physical","label":"体育 / physical","activities":0,"programmes":3,"attendances":"38","studentHours":57.0}],
             "counties":[{"countyCode":"510104","schools":7,"dimensions":[],
                          "missing":[{"dimension":"Moral","label":"德育 / moral","schools":4,"schoolIds":["{{Without}}"]},{"dimension":"Intellectual","label":"智育 / intellectual","schools":5,"schoolIds":["{{Without}}"]}]}],
             "schools":[{"schoolId":"{{With}}","schoolName":"锦江区实验学校1部","countyCode":"510104",
                         "dimensions":[{"dimension":"Moral","label":"德育 / moral","activities":1,"programmes":1,"attendances":"15","studentHours":22.5}],"missing":[]},
                        {"schoolId":"{{Without}}","schoolName":"锦江区第1小学","countyCode":"510104","dimensions":[],"missing":["Moral","Intellectual"]}]}
            """,
        "/api/wellbeing/figures/health-screening" => $$"""
            {"region":"{{region}}","from":"2025-12-05","to":"2026-12-05",
             "total":{"countyCode":"{{region}}","schoolId":null,"schoolName":null,"rounds":1,"expected":22,"screened":"19","coverage":0.864,"visionScreened":"19","myopia":"12","myopiaRate":0.632,
                      "myopiaByGrade":[{"grade":4,"visionScreened":"9","myopia":"6","myopiaRate":0.667},{"grade":5,"visionScreened":"10","myopia":"6","myopiaRate":0.6}],
                      "spineScreened":"19","scoliosisPositive":"\u003C5","scoliosisRate":null,"referred":"13","referralsCompleted":"\u003C5"},
             "counties":[{"countyCode":"510104","schoolId":null,"schoolName":null,"rounds":1,"expected":22,"screened":"19","coverage":0.864,"visionScreened":"19","myopia":"12","myopiaRate":0.632,"myopiaByGrade":[],
                          "spineScreened":"19","scoliosisPositive":"\u003C5","scoliosisRate":null,"referred":"13","referralsCompleted":"\u003C5"}],
             "schools":[{"countyCode":"510104","schoolId":"{{Without}}","schoolName":"锦江区第1小学","rounds":1,"expected":22,"screened":"19","coverage":0.864,"visionScreened":"19","myopia":"12","myopiaRate":0.632,"myopiaByGrade":[],
                         "spineScreened":"19","scoliosisPositive":"\u003C5","scoliosisRate":null,"referred":"13","referralsCompleted":"\u003C5"}]}
            """,
        "/api/campussafety/figures/legal-vice-principals" => $$"""
            {"region":"{{region}}","term":"2026-Autumn","asOf":"2026-12-05","schools":7,"schoolsWithCurrent":4,"lessons":8,
             "counties":[{"countyCode":"510104","schools":7,"schoolsWithCurrent":4,"share":0.571,"lessons":8}],
             "schoolRows":[{"schoolId":"{{With}}","schoolName":"锦江区实验学校1部","countyCode":"510104","current":1,"lessons":2},
                           {"schoolId":"{{Without}}","schoolName":"锦江区第1小学","countyCode":"510104","current":0,"lessons":0}],
             "withoutLegalVicePrincipal":[{"schoolId":"{{Without}}","schoolName":"锦江区第1小学","countyCode":"510104"}]}
            """,
        _ => "[]",
    };
}
