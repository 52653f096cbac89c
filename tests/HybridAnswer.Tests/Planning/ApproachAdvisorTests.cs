using HybridAnswer.Planning;

namespace HybridAnswer.Tests.Planning;

public sealed class ApproachAdvisorTests
{
    [Fact]
    public void Recommend_NothingArguesOtherwise_StartsWithRag()
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist());

        Assert.Equal(AnswerMode.Rag, r.Mode);
        Assert.Contains(r.Reasons, x => x.Contains("start with RAG", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Recommend_ChangingKnowledgeOrCitations_IsRag(bool changes, bool citations)
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { KnowledgeChangesWeekly = changes, NeedsCitations = citations, QualityExamples = 2_000 });

        Assert.Equal(AnswerMode.Rag, r.Mode);
        Assert.Equal(changes, r.Reasons.Any(x => x.StartsWith("Knowledge changes weekly", StringComparison.Ordinal)));
        Assert.Equal(citations, r.Reasons.Any(x => x.StartsWith("Answers must cite", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Recommend_StyleOrSpecialisedOnStableKnowledge_IsFineTuning(bool brand, bool specialized)
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { BrandVoiceCritical = brand, SpecializedTask = specialized, QualityExamples = 800 });

        Assert.Equal(AnswerMode.FineTuned, r.Mode);
        Assert.Contains(r.Reasons, x => x.StartsWith(brand ? "Brand voice" : "The task is highly specialised", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false, true, false)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, true, false)]
    public void Recommend_VoiceOrSpecialisedPlusDynamicKnowledge_IsHybrid(bool brand, bool specialized, bool changes, bool citations)
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { BrandVoiceCritical = brand, SpecializedTask = specialized, KnowledgeChangesWeekly = changes, NeedsCitations = citations, QualityExamples = 500 });

        Assert.Equal(AnswerMode.Hybrid, r.Mode);
        Assert.Contains(r.Notes, x => x.Contains("Train on style, not facts", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_FewerThan500Examples_IsRagWithWhatFineTuningWouldNeed()
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { BrandVoiceCritical = true, KnowledgeChangesWeekly = true, QualityExamples = 120 });

        Assert.Equal(AnswerMode.Rag, r.Mode);
        Assert.Contains(r.Reasons, x => x.StartsWith("Only 120 quality example(s)", StringComparison.Ordinal));
        Assert.Contains(r.Notes, x => x.Contains("at least 380 more quality examples (500 in all)", StringComparison.Ordinal));
        Assert.Contains(r.Notes, x => x.StartsWith("Brand voice matters", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_DeployWithinWeek_IsRagEvenForBrandVoice()
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { BrandVoiceCritical = true, DeployWithinWeek = true, QualityExamples = 5_000 });

        Assert.Equal(AnswerMode.Rag, r.Mode);
        Assert.Contains(r.Reasons, x => x.StartsWith("Deploying within a week", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_UnknownExampleCount_FineTunesWithACaveat()
    {
        var r = ApproachAdvisor.Recommend(new AdvisorChecklist { SpecializedTask = true });

        Assert.Equal(AnswerMode.FineTuned, r.Mode);
        Assert.Contains(r.Notes, x => x.StartsWith("This assumes at least 500", StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_NegativeExamples_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ApproachAdvisor.Recommend(new AdvisorChecklist { QualityExamples = -1 }));
}
