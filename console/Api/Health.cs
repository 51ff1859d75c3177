using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>医教互促 · 健康筛查: the words of Wellbeing's health screening (its findings mean nothing elsewhere).</summary>
public static class Health
{
    /// <summary>A round: 进行中 while results are taken (not 报名中, as an open activity), 已结束 once closed.</summary>
    public static string Round(string? status) => status switch { "Open" => "进行中", "Closed" => "已结束", _ => status ?? "" };

    public static string Check(string? check) => check switch { "Vision" => "视力", "Spine" => "脊柱侧弯", _ => check ?? "" };

    public static string Checks(JsonElement round) => string.Join("、", round.Items("checks").Select(c => Check(c.GetString())));

    /// <summary>视力筛查结论: 正常 / 视力低下 (below normal, no myopic refraction) / 筛查性近视.</summary>
    public static string Vision(string? finding) => finding switch
    {
        "Normal" => "正常", "ReducedVision" => "视力低下", "MyopiaSuspected" => "筛查性近视", null or "" => "—", _ => finding,
    };

    /// <summary>脊柱侧弯筛查结论: 正常 / 阳性 (trunk rotation at or above the threshold).</summary>
    public static string Spine(string? finding) => finding switch { "Normal" => "正常", "Positive" => "阳性", null or "" => "—", _ => finding };
}
