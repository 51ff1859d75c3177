using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

/// <summary>A report's receipt (stored as a hash only), the reporter's view of its status, and small counts.</summary>
public sealed class ReportReceiptTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_anonymous_report_keeps_no_reporter_but_the_hash_of_its_receipt()
    {
        var code = Receipts.NewCode();
        Assert.True(Receipts.LooksLikeCode(code));
        var reported = Assert.IsType<BullyingCaseReported>(BullyingCaseDecider.Decide(new ReportBullyingCase(Guid.NewGuid(), Guid.NewGuid(),
            "510104", 4, "x", true, "parent-1", [], Now, Receipts.Hash(code)))[0]);
        Assert.Null(reported.ReportedBy);
        Assert.Equal(Receipts.Hash(code.ToLowerInvariant()), reported.ReceiptHash);
        Assert.DoesNotContain(code, reported.ReceiptHash);
        Assert.NotEqual(code, Receipts.NewCode());
    }

    [Fact]
    public void The_reporter_sees_the_status_and_whether_the_investigation_is_overdue_only()
    {
        var reported = new BullyingCaseReported(Guid.NewGuid(), Guid.NewGuid(), "510104", 4, "sealed", false, "parent-1",
            Now + BullyingCaseDecider.InvestigationPeriod, Now);
        var state = BullyingCase.Create(reported);
        Assert.False(ReportStatus.Of(state, Now.AddDays(9)).InvestigationOverdue);
        Assert.True(ReportStatus.Of(state, Now.AddDays(11)).InvestigationOverdue);
        var determined = state.Apply(new BullyingCaseDetermined(state.Id, true, "sealed", "admin", Now.AddDays(11)));
        var status = ReportStatus.Of(determined, Now.AddDays(12));
        Assert.Equal(CaseStatus.Determined, status.Status);
        Assert.False(status.InvestigationOverdue);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "<5")]
    [InlineData(4, "<5")]
    [InlineData(5, "5")]
    public void Counts_from_one_to_four_are_shown_as_under_five(int count, string shown) => Assert.Equal(shown, SmallCounts.Show(count));
}
