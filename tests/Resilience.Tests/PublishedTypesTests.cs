using System.Reflection;
using System.Runtime.CompilerServices;
using JasperFx.Events;
using JiaoLianTi.Platform.Messaging;
using Xunit;

namespace JiaoLianTi.Resilience.Tests;

/// <summary>
/// The publisher reads from the store only the event types its service's map declares (<see
/// cref="IIntegrationEventMap.EventTypes"/>): a type the map turns into a contract but leaves off that list would
/// never be published. Every type of the service's assembly is offered to the map (an empty instance of it): each
/// one the map answers with a contract, or stumbles on, must be on the list; and the list names only types the map
/// takes.
/// </summary>
public sealed class PublishedTypesTests
{
    public static TheoryData<string> Maps => new(MapsByName.Keys);

    private static readonly Dictionary<string, IIntegrationEventMap> MapsByName = new()
    {
        ["alliances"] = new Alliances.Integration.AllianceEventsMap(),
        ["activities"] = new Activities.Integration.ActivityEventsMap(),
        ["parentschool"] = new ParentSchool.Integration.ParentSchoolEventsMap(),
        ["campussafety"] = new CampusSafety.Integration.CampusSafetyEventsMap(),
        ["wellbeing"] = new Wellbeing.Integration.WellbeingEventsMap(),
    };

    [Theory]
    [MemberData(nameof(Maps))]
    public void Every_type_the_map_turns_into_a_contract_is_among_the_types_the_publisher_reads(string service)
    {
        var map = MapsByName[service];
        var candidates = map.GetType().Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false, ContainsGenericParameters: false }
                && !t.IsDefined(typeof(CompilerGeneratedAttribute)) && !typeof(Delegate).IsAssignableFrom(t))
            .ToList();
        Assert.True(candidates.Count > 20, "the service's types were not found");

        var published = candidates.Where(type => Offered(map, type)).ToList();

        Assert.NotEmpty(published);
        Assert.All(published, type => Assert.Contains(type, map.EventTypes));
        // And it names the service's own types (a pattern on a type's contents, such as a first session only, cannot
        // be told from an empty instance, so a listed type is not required to be answered here).
        Assert.All(map.EventTypes, type => Assert.Contains(type, candidates));
    }

    /// <summary>True when the map answers an empty <paramref name="type"/> with a contract, or fails reading it.</summary>
    private static bool Offered(IIntegrationEventMap map, Type type)
    {
        object data;
        try
        {
            data = RuntimeHelpers.GetUninitializedObject(type);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or MemberAccessException or TypeLoadException)
        {
            return false;
        }
        var @event = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(type), data)!;
        try
        {
            return map.ToIntegrationEvent(@event) is not null;
        }
        catch (Exception e) when (e is NullReferenceException or ArgumentException or InvalidOperationException or TargetInvocationException)
        {
            return true;
        }
    }
}
