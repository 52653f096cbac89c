using HybridAnswer.FineTuning;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.FineTuning;

public sealed class TrainingDataHarvesterTests
{
    [Fact]
    public void Harvest_AnsweredApproved_BecomesSystemUserAssistantWithoutCitations()
    {
        var result = new TrainingDataHarvester(new TrainingDataHarvestOptions { SystemPrompt = "You are Acme's assistant." })
            .Harvest([new ReviewedAnswer { Question = " How long is the warranty? ", Answer = "Two years from purchase [1]. Keep your receipt [2, 3].", Approved = true }]);

        var example = Assert.Single(result.Examples);
        Assert.Empty(result.Skipped);
        Assert.Equal(
            [TrainingMessage.System("You are Acme's assistant."), TrainingMessage.User("How long is the warranty?"), TrainingMessage.Assistant("Two years from purchase. Keep your receipt.")],
            example.Messages);
    }

    [Fact]
    public void Harvest_SkipsRefusalsUnapprovedEmptyAndDuplicates()
    {
        var answers = new[]
        {
            new ReviewedAnswer { Question = "Q1", Answer = "A1", Approved = true },
            new ReviewedAnswer { Question = "Q2", Answer = "I don't have that information.", Approved = true, Answered = false },
            new ReviewedAnswer { Question = "Q3", Answer = "I don't have that information", Approved = true },
            new ReviewedAnswer { Question = "Q4", Answer = "A4", Approved = false },
            new ReviewedAnswer { Question = "", Answer = "A5", Approved = true },
            new ReviewedAnswer { Question = "Q1", Answer = "A1 [1]", Approved = true },
        };

        var result = new TrainingDataHarvester().Harvest(answers);

        Assert.Single(result.Examples);
        Assert.Equal(
            [new HarvestSkip { Index = 1, Reason = HarvestSkipReason.Refusal }, new HarvestSkip { Index = 2, Reason = HarvestSkipReason.Refusal }, new HarvestSkip { Index = 3, Reason = HarvestSkipReason.NotApproved }, new HarvestSkip { Index = 4, Reason = HarvestSkipReason.Empty }, new HarvestSkip { Index = 5, Reason = HarvestSkipReason.Duplicate }],
            result.Skipped);
        Assert.Equal(TrainingDataHarvestOptions.DefaultSystemPrompt, result.Examples[0].Messages[0].Content);
    }

    [Fact]
    public void Harvest_KeepCitations_LeavesMarkers()
    {
        var result = new TrainingDataHarvester(new TrainingDataHarvestOptions { RemoveCitationMarkers = false })
            .Harvest([new ReviewedAnswer { Question = "Q", Answer = "Two years [1].", Approved = true }]);

        Assert.Equal("Two years [1].", result.Examples[0].Messages[2].Content);
    }

    [Fact]
    public void ReviewedAnswerFrom_Refusal_IsNeverHarvested()
    {
        var refusal = new Answer { Text = "I don't have that information.", Answered = false, Mode = AnswerMode.Rag, Timings = new AnswerTimings() };
        var answer = new Answer { Text = "Returns are accepted within 30 days [1].", Answered = true, Mode = AnswerMode.Rag, Timings = new AnswerTimings() };

        var result = new TrainingDataHarvester().Harvest([ReviewedAnswer.From("Can I return it?", refusal, approved: true), ReviewedAnswer.From("Can I return it?", answer, approved: true)]);

        Assert.Equal("Returns are accepted within 30 days.", Assert.Single(result.Examples).Messages[2].Content);
        Assert.Equal(HarvestSkipReason.Refusal, Assert.Single(result.Skipped).Reason);
    }

    [Fact]
    public void Constructor_EmptySystemPrompt_Throws() =>
        Assert.Contains(
            "HybridAnswering:FineTuning:Harvest:SystemPrompt",
            Assert.Throws<OptionsValidationException>(() => new TrainingDataHarvester(new TrainingDataHarvestOptions { SystemPrompt = " " })).Message,
            StringComparison.Ordinal);
}
