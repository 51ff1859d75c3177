using System.Reflection;
using System.Text.Json;
using JasperFx.Events;
using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.Integration;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests;

/// <summary>Minors' data never leaves the service: integration events carry opaque ids only.</summary>
public sealed class ContractTests
{
    private static readonly Type[] Contracts = typeof(HazardReported).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "JiaoLianTi.CampusSafety.Contracts" && t.GetMethod("<Clone>$") is not null).ToArray();

    [Fact]
    public void Every_contract_the_issue_names_exists()
    {
        string[] named = ["HazardReported", "HazardAssigned", "HazardResolved", "HazardOverdue", "GuardShiftMissed",
            "BullyingCaseOpened", "SupportRequested", "DrillCompleted", "SafetyPlanApproved", "SafetyPlanRejected",
            "LegalVicePrincipalAppointed", "LegalVicePrincipalRenewed", "LegalVicePrincipalAppointmentEnded"];
        Assert.Equal(named.Order(), Contracts.Select(t => t.Name).Order());
    }

    [Fact]
    public void No_integration_event_has_a_field_for_a_name_and_students_appear_by_id_only()
    {
        foreach (var contract in Contracts)
        {
            foreach (var property in contract.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Assert.False(property.Name.Contains("Name", StringComparison.OrdinalIgnoreCase),
                    $"{contract.Name}.{property.Name} could carry a name");
                if (property.Name.Contains("Student", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Equal(typeof(Guid), property.PropertyType);
                }
            }
        }
    }

    [Fact]
    public void What_a_bullying_case_publishes_carries_nothing_of_its_narrative()
    {
        var (target, witness) = (Guid.NewGuid(), Guid.NewGuid());
        const string narrative = "王小明被李小红在厕所推倒";
        var events = BullyingCaseDecider.Decide(new ReportBullyingCase(Guid.NewGuid(), Guid.NewGuid(), "510104", 4, narrative,
            false, "teacher-zhou", [new Party(target, PartyRole.Target), new Party(witness, PartyRole.Witness)], DateTimeOffset.UtcNow));
        var map = new CampusSafetyEventsMap();

        var published = events.Select(e => map.ToIntegrationEvent(new Event<object>(e))).Where(m => m is not null).ToList();

        Assert.Equal(["BullyingCaseOpened", "SupportRequested"], published.Select(m => m!.GetType().Name));
        var json = string.Join("\n", published.Select(m => JsonSerializer.Serialize(m, m!.GetType())));
        Assert.DoesNotContain("王小明", json);
        Assert.DoesNotContain("teacher-zhou", json);
        Assert.DoesNotContain(witness.ToString(), json);
        Assert.Contains(target.ToString(), json);
    }
}
