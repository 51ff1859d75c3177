using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Xunit;
using Xunit.Abstractions;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// 报名风暴: a popular study trip opens and 2,000 parents (each their own token subject, so the gateway's per-client
/// limit does not bite) register at once for 100 seats, through the gateway.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RegistrationStormTests(ActivitiesSystem system, ITestOutputHelper output)
{
    private const int Parents = 2_000;
    private const int Seats = 100;

    [Fact]
    public async Task Two_thousand_parents_for_a_hundred_seats_give_exactly_100_confirmed_and_1900_waitlisted_in_order()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, capacity: 120);
        using var staff = system.Staff(Jinjiang, school);
        var id = await OpenStudyTrip(system, staff, resource, Seats);

        var children = Enumerable.Range(0, Parents).Select(_ => Guid.NewGuid()).ToArray();
        var tokens = children.Select(c => TestSystem.Token(new TokenRequest(Role.Parent, Jinjiang, school,
            Subject: $"storm-parent-{c:N}", Children: [c]))).ToArray();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512 };
        using var http = new HttpClient(handler) { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromSeconds(90) };

        var clock = Stopwatch.StartNew();
        var start = new TaskCompletionSource();
        var busy = new StrongBox<int>();
        var requests = children.Select(async (child, i) =>
        {
            await start.Task;
            // A parent's app does what the answer says: past the service's capacity it is 503 "服务繁忙" with
            // Retry-After, which changed nothing, so the registration is sent again after that time. On a loaded
            // machine part of the 2,000 get it; every one of them must still end with exactly one registration.
            using var response = await http.SendUntilServed(() => new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/registrations")
            {
                Content = JsonContent.Create(Child(child, age: 12)),
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]) },
            }, busy);
            return (Child: child, response.StatusCode, Body: await response.ReadJson());
        }).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(requests);
        output.WriteLine($"{Parents} registrations through the gateway in {clock.Elapsed.TotalSeconds:F1} s ({busy.Value} answers 503/429 with Retry-After, sent again)");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        var confirmed = answers.Where(a => a.Body.Str("status") == "Confirmed").ToList();
        var waitlisted = answers.Where(a => a.Body.Str("status") == "Waitlisted").ToList();
        Assert.Equal(Seats, confirmed.Count);
        Assert.Equal(Parents - Seats, waitlisted.Count);
        Assert.Equal(Enumerable.Range(1, Parents - Seats),
            waitlisted.Select(a => a.Body.GetProperty("waitlistPosition").GetInt32()).Order());

        // The order the answers gave is the order the stream holds: seats to the first 100, the waitlist after.
        await using var session = system.Store.QuerySession();
        var stored = (await session.Query<StudentRegistration>().Where(r => r.ActivityId == id).ToListAsync())
            .OrderBy(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, Parents).Select(i => (long)i), stored.Select(r => r.Sequence));
        Assert.All(stored.Take(Seats), r => Assert.Equal(RegistrationStatus.Confirmed, r.Status));
        Assert.All(stored.Skip(Seats), r => Assert.Equal(RegistrationStatus.Waitlisted, r.Status));
        var positions = waitlisted.ToDictionary(a => a.Child, a => a.Body.GetProperty("waitlistPosition").GetInt32());
        Assert.All(stored.Skip(Seats).Select((r, i) => (r, i)), x => Assert.Equal(x.i + 1, positions[x.r.StudentId]));

        var details = await Details(staff, id);
        Assert.Equal(0, details.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(Seats, details.GetProperty("confirmed").GetInt32());
        Assert.Equal(Parents - Seats, details.GetProperty("waitlistLength").GetInt32());
        var activity = await session.LoadAsync<JiaoLianTi.Activities.Activities.Activity>(id);
        Assert.Equal(Seats, activity!.ConfirmedCount);
        Assert.Equal(Parents - Seats, activity.Waitlist.Count);
    }
}
