using System.Net;
using System.Text;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Platform.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class CoverageApiTests(AlliancesSystem system)
{
    private static readonly Divisions Registry = Divisions.Load();

    /// <summary>
    /// History is free: a county established, suspended and re-established on the controlled clock shows each state
    /// when asked as of a date in between, and the city's totals follow the rows.
    /// </summary>
    [Fact]
    public async Task Coverage_as_of_past_dates_follows_the_history()
    {
        var w = await system.World();
        var city = w.County[..4];
        using var cityAdmin = system.Client(Role.CityAdmin, city);
        var t0 = system.Now;
        var path = $"/api/alliances/{w.Alliance}";
        await w.Officer.Post($"/api/alliances/{w.Alliance}/resources", new
        {
            unitId = w.Police, kind = "Venue", title = "警务站", topics = new[] { "PoliceSchool" }, capacity = 30,
        }).Ok(HttpStatusCode.Created);
        await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/needs", new { category = "Traffic", description = "d" }).Ok(HttpStatusCode.Created);
        await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "r", dueOn = system.Today.ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);

        system.Clock.Advance(TimeSpan.FromDays(10));
        await w.Admin.Do($"{path}/suspend", path, new { reason = "整改" });
        system.Clock.Advance(TimeSpan.FromDays(10));
        await w.Admin.Do($"{path}/reestablish", path);

        async Task<System.Text.Json.JsonElement> Row(DateTimeOffset asOf)
        {
            var report = await cityAdmin.GetAsync($"/api/alliances/coverage?region={city}&asOf={Uri.EscapeDataString(asOf.ToString("O"))}").Ok();
            Assert.Equal(Registry.CountiesIn(city).Count(), report.GetProperty("counties").GetInt32());
            var rows = report.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(rows.Count(r => r.GetProperty("established").GetBoolean()), report.GetProperty("establishedCounties").GetInt32());
            return rows.Single(r => r.Str("countyCode") == w.County);
        }

        var before = await Row(t0.AddDays(-1));
        Assert.False(before.GetProperty("established").GetBoolean());
        Assert.Equal(0, before.GetProperty("members").GetInt32());

        var early = await Row(t0.AddDays(5));
        Assert.True(early.GetProperty("established").GetBoolean());
        Assert.Equal(2, early.GetProperty("members").GetInt32());
        Assert.Equal(1, early.GetProperty("membersByKind").GetProperty("School").GetInt32());
        Assert.Equal(1, early.GetProperty("membersByKind").GetProperty("PoliceStation").GetInt32());
        Assert.Equal(1, early.GetProperty("resources").GetInt32());
        Assert.Equal(1, early.GetProperty("openNeeds").GetInt32());
        Assert.Equal(1, early.GetProperty("overdueResponsibilities").GetInt32());

        var suspended = await Row(t0.AddDays(15));
        Assert.Equal("Suspended", suspended.Str("regionalAllianceStatus"));
        Assert.False(suspended.GetProperty("established").GetBoolean());

        var now = await Row(system.Now);
        Assert.True(now.GetProperty("established").GetBoolean());
    }

    /// <summary>
    /// The table as of now is kept between requests (CoverageSnapshots) until the store changes or the next pending
    /// deadline passes: a responsibility turns overdue at its deadline, with no event needed, and the next answer
    /// counts it.
    /// </summary>
    [Fact]
    public async Task Coverage_as_of_now_counts_a_deadline_that_passed_since_the_last_answer()
    {
        var w = await system.World();
        using var province = system.Client(Role.ProvinceAdmin, "51");
        var due = system.Today.AddDays(3);
        await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "护学岗", dueOn = due.ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);

        async Task<int> Overdue()
        {
            var report = await province.GetAsync("/api/alliances/coverage?region=51").Ok();
            return report.GetProperty("rows").EnumerateArray().Single(r => r.Str("countyCode") == w.County)
                .GetProperty("overdueResponsibilities").GetInt32();
        }

        Assert.Equal(0, await Overdue());
        Assert.Equal(0, await Overdue()); // the kept table
        var deadline = new DateTimeOffset(due.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        system.Clock.Advance(deadline - system.Now + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Overdue());
    }

    /// <summary>
    /// The answer is written from the kept table's serialised rows (CoverageApi.CoverageJson): it must be exactly what
    /// the serializer writes for the report, and a change to the store must show in the next answer's rows.
    /// </summary>
    [Fact]
    public async Task The_answer_is_the_reports_own_json_and_follows_the_store()
    {
        var w = await system.World();
        using var province = system.Client(Role.ProvinceAdmin, "51");
        var options = system.Services("alliances")
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

        async Task<byte[]> Raw()
        {
            var response = await province.GetAsync("/api/alliances/coverage?region=51");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return await response.Content.ReadAsByteArrayAsync();
        }

        var first = await Raw();
        var kept = await Raw();
        foreach (var body in new[] { first, kept })
        {
            var report = System.Text.Json.JsonSerializer.Deserialize<JiaoLianTi.Alliances.Coverage.CoverageReport>(body, options)!;
            Assert.Equal(183, report.Rows.Count);
            Assert.Equal(Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(report, options)), Encoding.UTF8.GetString(body));
        }

        int Members(byte[] body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("rows").EnumerateArray()
            .Single(r => r.Str("countyCode") == w.County).GetProperty("members").GetInt32();
        var before = Members(kept);
        await w.Admin.Join(w.Alliance, await w.Admin.Unit(w.County, "Library"));
        Assert.Equal(before + 1, Members(await Raw()));
    }

    /// <summary>
    /// A table counted while a transaction is writing (it may hold an event number not yet visible) is answered but
    /// not kept; once nothing is writing, the next count is kept and answered again without counting.
    /// </summary>
    [Fact]
    public async Task A_table_counted_while_a_transaction_writes_is_answered_but_not_kept()
    {
        var store = system.Services("alliances").GetRequiredService<Marten.IDocumentStore>();
        var connectionString = system.Services("alliances").GetRequiredService<IConfiguration>()
            .GetConnectionString(JiaoLianTi.Alliances.AlliancesService.Database)!;
        await using var snapshots = new JiaoLianTi.Alliances.Coverage.CoverageSnapshots(connectionString);
        var counts = 0;
        Task<object> Count()
        {
            counts++;
            return Task.FromResult(new object());
        }

        await using (var writer = store.Storage.Database.CreateConnection())
        {
            await writer.OpenAsync();
            await using var transaction = await writer.BeginTransactionAsync();
            // A transaction that has written (it has a transaction id) and has not committed.
            await new Npgsql.NpgsqlCommand("select txid_current()", writer, transaction).ExecuteScalarAsync();
            await snapshots.GetAsync("quiet-test", Count, CancellationToken.None);
            await snapshots.GetAsync("quiet-test", Count, CancellationToken.None);
            Assert.Equal(2, counts);
            await transaction.RollbackAsync();
        }

        // Nothing of ours is writing now; the system's own background writes are brief, so within a few tries two
        // answers in a row come from one count.
        var kept = false;
        for (var attempt = 0; attempt < 20 && !kept; attempt++)
        {
            var before = counts;
            await snapshots.GetAsync("quiet-test", Count, CancellationToken.None);
            await snapshots.GetAsync("quiet-test", Count, CancellationToken.None);
            kept = counts == before + 1;
        }
        Assert.True(kept, "a table counted while nothing was writing was not kept");
    }

    [Fact]
    public async Task The_csv_is_the_same_table_in_utf8_with_a_bom_and_a_bilingual_header()
    {
        var w = await system.World();
        using var province = system.Client(Role.ProvinceAdmin, "51");

        var response = await province.GetAsync("/api/alliances/coverage/csv?region=51");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("县区代码 County code,县区 County,市 City,区域教联体状态 Regional alliance status,已建成 Established", lines[0]);
        Assert.Contains("学校 School", lines[0]);
        Assert.Equal(1 + 183, lines.Length);
        var row = lines.Single(l => l.StartsWith(w.County + ",")).Split(',');
        var header = lines[0].Split(',');
        Assert.Equal("Established", row[Array.IndexOf(header, "区域教联体状态 Regional alliance status")]);
        Assert.Equal("1", row[Array.IndexOf(header, "学校 School")]);
        Assert.Equal(Registry.Find(w.County)!.Name, row[1]);

        var json = await province.GetAsync("/api/alliances/coverage?region=51").Ok();
        Assert.Equal(json.GetProperty("establishedCounties").GetInt32(), lines.Skip(1).Count(l => l.Contains(",是 yes,")));
    }

    [Fact]
    public async Task Coverage_is_for_bureaus_in_their_own_province_and_bad_input_names_the_field()
    {
        using var chengdu = system.Client(Role.CityAdmin, "5101");
        Assert.Equal(HttpStatusCode.OK, (await chengdu.GetAsync("/api/alliances/coverage?region=5103")).StatusCode);
        Assert.Equal(183, (await chengdu.GetAsync("/api/alliances/coverage?region=51").Ok()).GetProperty("counties").GetInt32());
        using var jinjiang = system.Client(Role.CountyAdmin, "510104");
        Assert.Equal(183, (await jinjiang.GetAsync("/api/alliances/coverage?region=51").Ok()).GetProperty("counties").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await jinjiang.GetAsync("/api/alliances/coverage?region=5201")).StatusCode);
        using var school = system.Client(Role.SchoolAdmin, "510104", schoolId: Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await school.GetAsync("/api/alliances/coverage")).StatusCode);

        var unknown = await chengdu.GetAsync("/api/alliances/coverage?region=5199");
        Assert.True((await unknown.ReadJson()).GetProperty("errors").TryGetProperty("region", out _));
        var badDate = await chengdu.GetAsync("/api/alliances/coverage?asOf=yesterday");
        Assert.True((await badDate.ReadJson()).GetProperty("errors").TryGetProperty("asOf", out _));

        var report = await chengdu.GetAsync("/api/alliances/coverage?asOf=2025-12-31").Ok();
        Assert.Equal("5101", report.Str("region"));
        var targets = report.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(["2025-12-31", "2027-12-31"], targets.Select(t => t.Str("by")));
        Assert.Equal([0.5, 1.0], targets.Select(t => t.GetProperty("share").GetDouble()));
    }
}
