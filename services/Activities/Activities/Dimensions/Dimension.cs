using JiaoLianTi.Activities.Activities;

namespace JiaoLianTi.Activities.Dimensions;

/// <summary>
/// 五育 the five educations an activity or an after-school programme serves ("五育"并举): 德 moral (思政), 智 intellectual
/// (科学教育), 体 physical, 美 aesthetic, 劳 labour. One enum for activities, programmes, figures and contracts.
/// </summary>
public enum Dimension
{
    /// <summary>德育（思政） moral</summary>
    Moral,
    /// <summary>智育（科学教育） intellectual</summary>
    Intellectual,
    /// <summary>体育 physical</summary>
    Physical,
    /// <summary>美育 aesthetic</summary>
    Aesthetic,
    /// <summary>劳动教育 labour</summary>
    Labour,
}

public static class FiveEducations
{
    public static readonly IReadOnlyList<Dimension> All = Enum.GetValues<Dimension>();

    /// <summary>The Chinese label first, the English beside, as screens show it.</summary>
    public static string Label(this Dimension d) => d switch
    {
        Dimension.Moral => "德育 / moral",
        Dimension.Intellectual => "智育 / intellectual",
        Dimension.Physical => "体育 / physical",
        Dimension.Aesthetic => "美育 / aesthetic",
        Dimension.Labour => "劳动教育 / labour",
        _ => d.ToString(),
    };

    /// <summary>The one-character name the plans use (德、智、体、美、劳).</summary>
    public static string Short(this Dimension d) => d switch
    {
        Dimension.Moral => "德",
        Dimension.Intellectual => "智",
        Dimension.Physical => "体",
        Dimension.Aesthetic => "美",
        Dimension.Labour => "劳",
        _ => d.ToString(),
    };

    /// <summary>
    /// What an activity serves when its organiser named none (and what every activity drafted before dimensions
    /// existed serves): read from its kind. 研学 moral and intellectual; 社区实践 moral and labour; 志愿服务 moral and
    /// labour; 讲座 intellectual; 体育 physical. Aesthetic is never assumed: a school names it.
    /// </summary>
    public static IReadOnlyList<Dimension> ForKind(ActivityKind kind) => kind switch
    {
        ActivityKind.StudyTrip => [Dimension.Moral, Dimension.Intellectual],
        ActivityKind.CommunityClass => [Dimension.Moral, Dimension.Labour],
        ActivityKind.VolunteerService => [Dimension.Moral, Dimension.Labour],
        ActivityKind.Lecture => [Dimension.Intellectual],
        ActivityKind.Sport => [Dimension.Physical],
        _ => [],
    };

    /// <summary>The named dimensions, each once, in the order 德智体美劳.</summary>
    public static IReadOnlyList<Dimension> Normalise(IEnumerable<Dimension> named) => named.Distinct().Order().ToArray();
}
