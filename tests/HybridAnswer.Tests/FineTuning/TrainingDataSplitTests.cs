using HybridAnswer.FineTuning;

namespace HybridAnswer.Tests.FineTuning;

public sealed class TrainingDataSplitTests
{
    [Fact]
    public void Create_SameSeed_SameSplitOfTheRightSize()
    {
        var examples = Examples(100);

        var a = TrainingDataSplit.Create(examples, 0.2, seed: 7);
        var b = TrainingDataSplit.Create(examples, 0.2, seed: 7);

        Assert.Equal((80, 20), (a.Training.Count, a.Validation.Count));
        Assert.Equal(a.Validation, b.Validation);
        Assert.Empty(a.Training.Intersect(a.Validation));
    }

    [Fact]
    public void Create_Duplicates_StayOnOneSide()
    {
        var examples = Examples(10);
        var withDuplicates = examples.Concat(examples).ToList();

        for (var seed = 0; seed < 20; seed++)
        {
            var split = TrainingDataSplit.Create(withDuplicates, 0.3, seed);
            var trainKeys = split.Training.Select(TrainingJsonl.Serialize).ToHashSet();
            Assert.DoesNotContain(split.Validation, e => trainKeys.Contains(TrainingJsonl.Serialize(e)));
            Assert.Equal(6, split.Validation.Count);
        }
    }

    [Fact]
    public void Create_ZeroFraction_KeepsEverythingForTraining()
    {
        var split = TrainingDataSplit.Create(Examples(5), 0);

        Assert.Equal((5, 0), (split.Training.Count, split.Validation.Count));
    }

    private static List<TrainingExample> Examples(int count) =>
        Enumerable.Range(0, count).Select(i => new TrainingExample([TrainingMessage.User($"Q{i}"), TrainingMessage.Assistant($"A{i}")])).ToList();
}
