using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// Requesting, deciding and changing a subscription: bad input is a ProblemDetails naming the field and stores
/// nothing; only the bureau at the region's level or above decides; CampusSafety's and Wellbeing's events need a
/// legal basis; a change needs If-Match and a new approval; every step is in the history.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SubscriptionRequestTests(SubscriptionsSystem system)
{
    [Theory]
    [InlineData("eventTypes", """{"name":"x","eventTypes":["HazardAssigned","NoSuchEvent"],"region":"{county}","delivery":"Amqp"}""")]
    [InlineData("eventTypes", """{"name":"x","eventTypes":[],"region":"{county}","delivery":"Amqp"}""")]
    [InlineData("region", """{"name":"x","eventTypes":["HazardAssigned"],"region":"510104","delivery":"Amqp"}""")]
    [InlineData("region", """{"name":"x","eventTypes":["HazardAssigned"],"region":"51","delivery":"Amqp"}""")]
    [InlineData("region", """{"name":"x","eventTypes":["HazardAssigned"],"region":"51x","delivery":"Amqp"}""")]
    [InlineData("webhookUrl", """{"name":"x","eventTypes":["HazardAssigned"],"region":"{county}","delivery":"Webhook","webhookUrl":"http://police.example.cn/hook"}""")]
    [InlineData("webhookUrl", """{"name":"x","eventTypes":["HazardAssigned"],"region":"{county}","delivery":"Webhook","webhookUrl":"ftp://127.0.0.1/hook"}""")]
    [InlineData("webhookUrl", """{"name":"x","eventTypes":["HazardAssigned"],"region":"{county}","delivery":"Webhook"}""")]
    [InlineData("delivery", """{"name":"x","eventTypes":["HazardAssigned"],"region":"{county}","delivery":"amqp"}""")]
    [InlineData("name", """{"eventTypes":["HazardAssigned"],"region":"{county}","delivery":"Amqp"}""")]
    public async Task Bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(string field, string body)
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.PublicSecurity, county);
        var response = await officer.PostRaw("/api/subscriptions", body.Replace("{county}", county));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJson();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var list = await (await officer.GetAsync("/api/subscriptions")).ReadJson();
        Assert.Equal(0, list.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Only_a_department_officer_requests()
    {
        var county = Subscribers.NewCounty();
        using var admin = system.Admin(county);
        var response = await admin.PostAsJsonAsync("/api/subscriptions",
            new { name = "x", eventTypes = new[] { "HazardAssigned" }, region = county, delivery = "Amqp" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_bureau_at_the_regions_level_or_above_decides_and_safety_events_need_a_legal_basis()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.Health, county);
        var id = (await officer.Request(new { name = "卫健委转诊系统", eventTypes = new[] { "ReferralMade" }, region = county, delivery = "Amqp" })).Id();

        // Another county's bureau does not see it; the officer may not decide on it; the city above may.
        using var elsewhere = system.Admin(Subscribers.NewCounty());
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/subscriptions/{id}")).StatusCode);
        var read = await officer.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Post($"/api/subscriptions/{id}/approve", new { legalBasis = "x" }, read.ETag())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.Post($"/api/subscriptions/{id}/approve", new { legalBasis = "x" }, read.ETag())).StatusCode);
        using var otherDepartment = system.Officer(Department.PublicSecurity, county);
        Assert.Equal(HttpStatusCode.NotFound, (await otherDepartment.GetAsync($"/api/subscriptions/{id}")).StatusCode);

        using var city = system.Admin(county[..4]);
        read = await city.GetAsync($"/api/subscriptions/{id}");
        var noBasis = await city.Post($"/api/subscriptions/{id}/approve", new { legalBasis = " " }, read.ETag());
        Assert.Equal(HttpStatusCode.BadRequest, noBasis.StatusCode);
        Assert.True((await noBasis.ReadJson()).GetProperty("errors").TryGetProperty("legalBasis", out _));
        Assert.Equal("Requested", (await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson()).Str("status"));

        var approved = await city.Approve(id, "《精神卫生法》第十八条 / Mental Health Law, art. 18");
        Assert.Equal("Active", approved.Str("status"));
        Assert.Equal("《精神卫生法》第十八条 / Mental Health Law, art. 18", approved.Str("legalBasis"));

        // A county bureau may not decide a request for the whole city.
        using var cityOfficer = system.Officer(Department.Health, county[..4]);
        var citywide = (await cityOfficer.Request(new { name = "市卫健委", eventTypes = new[] { "ReferralMade" }, region = county[..4], delivery = "Amqp" })).Id();
        using var countyAdmin = system.Admin(county);
        read = await cityOfficer.GetAsync($"/api/subscriptions/{citywide}");
        Assert.Equal(HttpStatusCode.NotFound, (await countyAdmin.Post($"/api/subscriptions/{citywide}/approve", new { legalBasis = "x" }, read.ETag())).StatusCode);
    }

    [Fact]
    public async Task A_change_needs_if_match_and_a_new_approval_and_pause_resume_are_in_the_history()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.PublicSecurity, county);
        var id = (await officer.Request(new { name = "派出所", eventTypes = new[] { "HazardAssigned" }, region = county, delivery = "Amqp" })).Id();
        using var admin = system.Admin(county);
        var approved = await admin.Approve(id);
        await officer.Provisioned(id, approved.GetProperty("version").GetInt64());

        var change = new { eventTypes = new[] { "HazardAssigned", "HazardOverdue" }, region = county };
        var noIfMatch = await officer.PostAsJsonAsync($"/api/subscriptions/{id}/change", change);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noIfMatch.StatusCode);
        Assert.Equal("application/problem+json", noIfMatch.Content.Headers.ContentType?.MediaType);
        Assert.Contains("If-Match", (await noIfMatch.ReadJson()).ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await officer.Post($"/api/subscriptions/{id}/change", change, "\"1\"")).StatusCode);
        var etag = $"\"{approved.GetProperty("version").GetInt64()}\"";
        var badChange = await officer.Post($"/api/subscriptions/{id}/change", new { eventTypes = new[] { "Nope" }, region = county }, etag);
        Assert.Equal(HttpStatusCode.BadRequest, badChange.StatusCode);
        Assert.True((await badChange.ReadJson()).GetProperty("errors").TryGetProperty("eventTypes", out _));
        var outside = await officer.Post($"/api/subscriptions/{id}/change", new { eventTypes = new[] { "HazardAssigned" }, region = county[..4] }, etag);
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.True((await outside.ReadJson()).GetProperty("errors").TryGetProperty("region", out _));
        // None of those refused changes stored anything: same version, nothing pending, the history as it was.
        var unchanged = await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson();
        Assert.Equal(approved.GetProperty("version").GetInt64(), unchanged.GetProperty("version").GetInt64());
        Assert.True(!unchanged.TryGetProperty("pending", out var none) || none.ValueKind == JsonValueKind.Null, unchanged.ToString());
        Assert.Equal(2, (await (await officer.GetAsync($"/api/subscriptions/{id}/history")).ReadJson()).GetArrayLength());

        var changed = await officer.Command(id, "change", change);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var pending = await changed.ReadJson();
        Assert.Equal("Active", pending.Str("status"));
        Assert.Equal(["HazardAssigned"], pending.GetProperty("scope").GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, pending.GetProperty("pending").GetProperty("eventTypes").GetArrayLength());

        var reapproved = await admin.Approve(id);
        var afterChange = await officer.Provisioned(id, reapproved.GetProperty("version").GetInt64());
        var binding = $"{county[..2]}.{county[..4]}.{county}";
        Assert.Equal([$"HazardAssigned.{binding}", $"HazardOverdue.{binding}"],
            afterChange.GetProperty("broker").GetProperty("bindings").EnumerateArray().Select(b => b.GetString()));

        var paused = await (await officer.Command(id, "pause")).ReadJson();
        Assert.Equal("Paused", paused.Str("status"));
        var whilePaused = await officer.Provisioned(id, paused.GetProperty("version").GetInt64());
        Assert.Equal(0, whilePaused.GetProperty("broker").GetProperty("bindings").GetArrayLength());
        var resumed = await (await officer.Command(id, "resume")).ReadJson();
        Assert.Equal("Active", resumed.Str("status"));
        var afterResume = await officer.Provisioned(id, resumed.GetProperty("version").GetInt64());
        Assert.Equal(2, afterResume.GetProperty("broker").GetProperty("bindings").GetArrayLength());

        var history = await (await officer.GetAsync($"/api/subscriptions/{id}/history")).ReadJson();
        Assert.Equal(["SubscriptionRequested", "SubscriptionApproved", "SubscriptionChangeRequested", "SubscriptionApproved",
            "SubscriptionPaused", "SubscriptionResumed"], history.EnumerateArray().Select(e => e.Str("event")));
    }

    [Fact]
    public async Task A_webhook_secret_rotates_and_is_never_shown_in_the_history()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Department.CivilAffairs, county);
        var id = (await officer.Request(new
        {
            name = "民政", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook", webhookUrl = "https://mz.example.cn/hook",
        })).Id();
        using var admin = system.Admin(county);
        await admin.Approve(id, null);
        var first = (await (await officer.GetAsync($"/api/subscriptions/{id}/secret")).ReadJson()).Str("secret");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/api/subscriptions/{id}/secret")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await officer.Command(id, "secret/rotate")).StatusCode);
        var secrets = await (await officer.GetAsync($"/api/subscriptions/{id}/secret")).ReadJson();
        Assert.NotEqual(first, secrets.Str("secret"));
        Assert.Equal(first, secrets.Str("previousSecret"));

        var history = (await (await officer.GetAsync($"/api/subscriptions/{id}/history")).ReadJson()).ToString();
        Assert.DoesNotContain(first, history);
        Assert.DoesNotContain(secrets.Str("secret"), history);
        Assert.DoesNotContain(first, (await (await officer.GetAsync($"/api/subscriptions/{id}")).ReadJson()).ToString());
    }
}
