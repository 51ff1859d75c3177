namespace JiaoLianTi.Console.Api;

/// <summary>Chinese names of the API's enum values (GLOSSARY), shown with the value itself beside them.</summary>
public static class Labels
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        // alliances
        ["Proposed"] = "筹建中", ["Established"] = "已成立", ["Suspended"] = "已暂停", ["Dissolved"] = "已撤销",
        ["Regional"] = "区域教联体", ["School"] = "校级教联体",
        ["Member"] = "成员", ["Partner"] = "合作", ["Adviser"] = "顾问", ["Lead"] = "牵头",
        // needs, responsibilities, resources
        ["Raised"] = "待匹配", ["Matched"] = "已匹配", ["Accepted"] = "已受理", ["Resolved"] = "已解决", ["Closed"] = "已关闭",
        ["Assigned"] = "已分派", ["InProgress"] = "进行中", ["Overdue"] = "已逾期", ["Done"] = "已完成",
        ["Published"] = "已发布", ["Withdrawn"] = "已撤回",
        ["Venue"] = "场馆", ["Course"] = "课程", ["Expert"] = "专家", ["VolunteerPlaces"] = "志愿岗位",
        // need categories (NeedCategory)
        ["AfterSchoolCare"] = "课后服务", ["Volunteers"] = "志愿者", ["MentalHealth"] = "心理健康", ["Safety"] = "安全",
        ["FoodSafety"] = "食品安全", ["FamilyEducation"] = "家庭教育",
        // parent school (CourseTopic, CourseScope, FigureLevel)
        ["PhoneUse"] = "手机管理", ["Resilience"] = "挫折教育", ["RoadSafety"] = "交通安全", ["AntiBullying"] = "防欺凌",
        ["StudyHabits"] = "学习习惯", ["ParentChildCommunication"] = "亲子沟通", ["Law"] = "法治教育", ["PhysicalActivity"] = "体育锻炼",
        ["Province"] = "省级", ["County"] = "县级", ["Retired"] = "已下架",
        // activities
        ["Draft"] = "草稿", ["AwaitingSafetyPlan"] = "待安全预案", ["Open"] = "报名中", ["Completed"] = "已结束",
        ["Cancelled"] = "已取消", ["Confirmed"] = "已确认", ["Waitlisted"] = "候补",
        ["Recorded"] = "待认定",
        ["StudyTrip"] = "研学实践", ["CommunityClass"] = "社区实践课堂", ["VolunteerService"] = "志愿服务", ["Lecture"] = "讲座",
        ["Sport"] = "体育",
        // safety
        ["Submitted"] = "待审批", ["Approved"] = "已批准", ["Rejected"] = "已驳回",
        ["Reported"] = "已上报", ["Acknowledged"] = "已确认收到", ["Reopened"] = "已重开",
        ["Traffic"] = "交通", ["VendorsAndFood"] = "摊贩与食品", ["Security"] = "治安", ["Construction"] = "施工", ["Other"] = "其他",
        ["Fire"] = "消防演练", ["Earthquake"] = "地震演练", ["Evacuation"] = "疏散演练", ["Lockdown"] = "防暴演练", ["Flood"] = "防汛演练",
        ["Scheduled"] = "已排班", ["CheckedIn"] = "已到岗", ["Missed"] = "缺岗", ["Planned"] = "计划中",
        // subscriptions
        ["Requested"] = "待审批", ["Active"] = "生效中", ["Paused"] = "暂停中", ["Revoked"] = "已撤销",
        ["Amqp"] = "AMQP 队列", ["Webhook"] = "Webhook 推送",
        // wellbeing
        ["None"] = "未建", ["Green"] = "绿", ["Yellow"] = "黄", ["Orange"] = "橙", ["Red"] = "红",
        ["Routine"] = "常规", ["Priority"] = "优先", ["Urgent"] = "紧急",
    };

    /// <summary>
    /// 心链网络 The care network's values, where a word means something else than elsewhere: a support plan that is
    /// "Open" is under way (进行中), not open for registration (报名中) as an activity is; a "Proposed" plan waits to be
    /// taken up (待采纳), not founded (筹建中) as an alliance is.
    /// </summary>
    private static readonly Dictionary<string, string> CareNames = new(StringComparer.Ordinal)
    {
        // ReferralStatus, ReferralStep
        ["Referred"] = "待接收", ["Accepted"] = "已接收", ["Seen"] = "已就诊", ["Returned"] = "已回校",
        ["Acceptance"] = "接收", ["Appointment"] = "就诊", ["Return"] = "回校",
        // PlanStatus
        ["Proposed"] = "待采纳", ["Open"] = "帮扶中", ["UnderReview"] = "复评中", ["Closed"] = "已结案", ["AwaitingRecord"] = "待建档",
        // AlertKind
        ["TierChanged"] = "关注等级变化", ["FollowUpMissed"] = "回访逾期", ["ReferralOverdue"] = "转介超时",
        ["CrisisLevel"] = "危机干预", ["CrisisUnacknowledged"] = "危机未确认", ["RecordNeeded"] = "需先建档",
        // what an alert is about: a care category (回访), a crisis level (who has been told), a proposal
        ["VulnerableChild"] = "困境儿童", ["LeftBehindChild"] = "留守儿童", ["MigrantChild"] = "流动儿童",
        ["Counsellor"] = "心理教师", ["Principal"] = "校长", ["Guardian"] = "监护人", ["County"] = "县教育局",
        ["SupportPlan"] = "帮扶档案",
        // ReadResource: what a read in the access log opened
        ["ChildRecord"] = "学生档案", ["Referral"] = "转介", ["ReferralContact"] = "转介联系信息", ["HealthScreening"] = "健康筛查",
        ["Crisis"] = "危机干预",
        // ConsentStatus, ErasureReason
        ["Given"] = "已同意", ["Refused"] = "已拒绝", ["PurposeEnded"] = "目的已完成", ["ConsentWithdrawn"] = "撤回同意",
        ["RetentionExpired"] = "保存期满", ["ErasureRequested"] = "应要求删除",
    };

    /// <summary>A care-network value in Chinese with the value beside it (<see cref="CareNames"/>, then the others).</summary>
    public static string Care(string? value) =>
        !string.IsNullOrEmpty(value) && CareNames.TryGetValue(value, out var name) ? $"{name} {value}" : Of(value);

    /// <summary>
    /// 活动 An activity's status, where "Closed" means registration has closed (报名截止), not a need closed (已关闭).
    /// </summary>
    public static string Activity(string? value) => value == "Closed" ? "报名截止 Closed" : Of(value);

    /// <summary>课后服务 A programme's status and an enrolment's: closed to enrolment (its sessions go on), 已报名.</summary>
    public static string Programme(string? value) => value switch
    {
        "Closed" => "报名截止 Closed",
        "Enrolled" => "已报名 Enrolled",
        "Withdrawn" => "已退出 Withdrawn",
        _ => Of(value),
    };

    /// <summary>
    /// 成员单位类型 The member unit kinds, in the API's order, with their Chinese names (the same as the coverage
    /// report's): kept apart from <see cref="Names"/>, where "School" is the school alliance (校级教联体).
    /// </summary>
    public static readonly IReadOnlyList<(string Kind, string Name)> UnitKinds =
    [
        ("School", "学校"), ("FamilyCommittee", "家委会"), ("PoliceStation", "派出所"), ("TrafficPolice", "交警"),
        ("MarketRegulator", "市场监管"), ("CommunityCommittee", "社区居委会"), ("StreetOffice", "街道办事处"), ("Library", "图书馆"),
        ("Museum", "博物馆"), ("ScienceCentre", "科技馆"), ("MemorialVenue", "纪念馆"), ("Theatre", "剧院"), ("SportsVenue", "体育场馆"),
        ("Hospital", "医院"), ("MentalHealthCentre", "心理健康中心"), ("University", "高校"), ("ResearchInstitute", "科研院所"),
        ("Enterprise", "企业"), ("WomensFederation", "妇联"), ("YouthLeague", "共青团"), ("Other", "其他"),
        ("Procuratorate", "检察院"), ("Court", "法院"),
    ];

    /// <summary>A member unit's kind in Chinese (the kind itself when unknown).</summary>
    public static string UnitKind(string? kind) =>
        string.IsNullOrEmpty(kind) ? "—" : UnitKinds.FirstOrDefault(k => k.Kind == kind).Name ?? kind;

    public static string Of(string? value) =>
        string.IsNullOrEmpty(value) ? "—" : Names.TryGetValue(value, out var name) ? $"{name} {value}" : value;

    public static string Chinese(string? value) =>
        string.IsNullOrEmpty(value) ? "—" : Names.GetValueOrDefault(value, value);
}
