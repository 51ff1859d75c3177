using System.Reflection;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests;

/// <summary>
/// No integration event of any service carries a child's name, birth date, class or free text about a child: every
/// *.Contracts assembly is loaded and every member of every contract that names a student is scanned.
/// </summary>
public sealed class ContractScanTests
{
    private static readonly string[] NeverAnywhere = ["birth", "dob", "studentname", "childname", "classname", "guardian", "phone", "address", "idcard"];
    private static readonly string[] ChildIds = ["studentid", "childid"];
    private static readonly string[] FreeText = ["name", "notes", "note", "description", "text", "comment", "details", "class", "title", "summary", "remarks", "reasons"];

    public static IEnumerable<Type> Contracts()
    {
        var folder = AppContext.BaseDirectory;
        var assemblies = System.IO.Directory.GetFiles(folder, "*.Contracts.dll").Select(Assembly.LoadFrom).ToArray();
        Assert.True(assemblies.Length >= 5, $"expected the contracts of all five services beside the tests, found {assemblies.Length}");
        // Every exported type with properties: the records are the contracts (static classes of constants have none).
        return assemblies.SelectMany(a => a.GetExportedTypes()).Where(t => t.IsClass && t.GetProperties().Length > 0);
    }

    [Fact]
    public void All_five_services_contracts_are_scanned()
    {
        var names = Contracts().Select(t => t.Assembly.GetName().Name).Distinct().ToArray();
        foreach (var service in new[] { "Alliances", "Activities", "ParentSchool", "CampusSafety", "Wellbeing" })
        {
            Assert.Contains($"{service}.Contracts", names);
        }
    }

    [Fact]
    public void No_contract_carries_personal_details_of_a_child()
    {
        var offences = new List<string>();
        foreach (var type in Contracts())
        {
            var members = type.GetProperties().Select(p => (Name: p.Name.ToLowerInvariant(), p.PropertyType)).ToArray();
            foreach (var member in members.Where(m => NeverAnywhere.Any(m.Name.Contains)))
            {
                offences.Add($"{type.FullName}.{member.Name}");
            }
            if (members.Any(m => ChildIds.Contains(m.Name) || m.Name.EndsWith("studentids", StringComparison.Ordinal)))
            {
                foreach (var member in members.Where(m => m.PropertyType == typeof(string) && FreeText.Contains(m.Name)))
                {
                    offences.Add($"{type.FullName}.{member.Name} (free text beside a student id)");
                }
            }
        }
        Assert.True(offences.Count == 0, "contracts carrying a child's personal data: " + string.Join(", ", offences));
    }
}
