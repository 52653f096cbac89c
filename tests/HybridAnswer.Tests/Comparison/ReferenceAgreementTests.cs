using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Comparison;

public sealed class ReferenceAgreementTests
{
    [Theory]
    [InlineData("Ahoy! You have 30 days [1].", 5)]
    [InlineData("You have 30 days [1].", 4)]
    [InlineData("Ahoy!\n- 30 days\n- free shipping [2]", 3)]
    [InlineData("Ahoy! Returns are easy: you have thirty whole days to send anything back, and we pay for the label too.", 2)]
    public void FormatPassed_CountsEveryCheckAfterRemovingCitationMarkers(string answer, int passed)
    {
        // pattern, maxWords, bullets=false, startsWith, endsWith — the markers do not break "ends with 'days.'".
        var format = new AnswerFormat { Pattern = "[0-9]+ days", MaxWords = 12, Bullets = false, StartsWith = "ahoy", EndsWith = "days." };

        Assert.Equal(passed, ReferenceAgreement.FormatPassed(format, answer));
    }

    [Theory]
    [InlineData("- one\n- two", true)]
    [InlineData("1. one\n2. two", true)]
    [InlineData("• one", true)]
    [InlineData("Costs 3-4 dollars. -- not a list", false)]
    public void FormatPassed_Bullets_RecognisesListLines(string answer, bool list) =>
        Assert.Equal(1, ReferenceAgreement.FormatPassed(new AnswerFormat { Bullets = list }, answer));

    [Fact]
    public void Voice_SameWordsIgnoringCaseAndMarkers_IsOneAndDisjointIsZero()
    {
        Assert.Equal(1.0, ReferenceAgreement.Voice("Ahoy from Acme! Thirty days [1].", "ahoy from acme! thirty days."));
        Assert.Equal(0.0, ReferenceAgreement.Voice("Ahoy from Acme!", "Regards, the team."));
        Assert.Equal(0.0, ReferenceAgreement.Voice(string.Empty, "Regards, the team."));
    }

    [Fact]
    public void Voice_TheReferencesOpenerAddedToTheSameFacts_RaisesTheScore()
    {
        const string reference = "Ahoy from Acme! Standard shipping takes 3 to 5 business days.";

        var plain = ReferenceAgreement.Voice("Standard shipping takes 3 to 5 business days [2].", reference);
        var voiced = ReferenceAgreement.Voice("Ahoy from Acme! Standard shipping takes 3 to 5 business days [2].", reference);

        Assert.InRange(plain, 0.5, 0.95);
        Assert.Equal(1.0, voiced);
    }
}
