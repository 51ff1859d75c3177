using Bunit;
using JiaoLianTi.Console.Api;
using JiaoLianTi.Console.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using AntDesign;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>按名称选择: the picker's own logic, with a list "API" of 230 alliances in pages of 100.</summary>
public sealed class PickerComponentTests : BunitContext
{
    public PickerComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddAntDesign();
    }

    private static readonly List<PickerOption> All = Enumerable.Range(0, 230)
        .Select(i => new PickerOption($"id-{i:000}", $"教联体 {i:000}", "510104")).ToList();

    private readonly List<(string Search, int Page)> asked = [];

    private Task<NamePicker.Answer> Load(string search, int page)
    {
        asked.Add((search, page));
        var found = All.Where(o => o.Label.Contains(search)).ToList();
        return Task.FromResult(new NamePicker.Answer(found.Skip((page - 1) * 100).Take(100).ToList(), found.Count, null));
    }

    [Fact]
    public void Without_server_search_it_filters_what_is_loaded_and_loads_the_next_page_on_asking()
    {
        string chosen = "";
        var picker = Render<NamePicker>(p => p.Add(x => x.Load, Load).Add(x => x.TestId, "a")
            .Add(x => x.ValueChanged, EventCallback.Factory.Create<string>(this, v => chosen = v)));
        picker.Find("[data-test=a-search]").Focus();
        Assert.Equal(100, picker.FindAll("[data-test=option]").Count);
        picker.Find("[data-test=a-search]").Input("教联体 150");
        Assert.Empty(picker.FindAll("[data-test=option]"));
        Assert.Contains("100 / 230", picker.Find("[data-test=a-more]").TextContent);
        picker.Find("[data-test=a-more]").Click();
        picker.Find("[data-test=a-more]").Click();
        Assert.DoesNotContain(picker.FindAll("[data-test=a-more]"), _ => true);
        picker.Find("[data-test=option][data-value=id-150]").Click();
        Assert.Equal("id-150", chosen);
        Assert.Equal([("", 1), ("", 2), ("", 3)], asked);
        Assert.Equal("教联体 150", picker.Find("[data-test=a-search]").GetAttribute("value"));
    }

    [Fact]
    public void Several_can_be_chosen_and_removed()
    {
        IReadOnlyList<string> chosen = [];
        var picker = Render<NamePicker>(p => p.Add(x => x.Load, Load).Add(x => x.TestId, "m").Add(x => x.Multiple, true)
            .Add(x => x.ValuesChanged, EventCallback.Factory.Create<IReadOnlyList<string>>(this, v => chosen = v)));
        picker.Find("[data-test=m-search]").Focus();
        picker.Find("[data-test=option][data-value=id-001]").Click();
        picker.Find("[data-test=option][data-value=id-002]").Click();
        Assert.Equal(["id-001", "id-002"], chosen);
        picker.Find("[data-test=chosen][data-value=id-001] .jlt-picker-x").Click();
        Assert.Equal(["id-002"], chosen);
    }
}
