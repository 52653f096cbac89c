using HybridAnswer.Planning;

namespace HybridAnswer.Tests.Planning;

public sealed class CostModelTests
{
    [Fact]
    public void Project_FrameworkTableAt10000PerDay_IsToTheDollar()
    {
        var table = CostModel.Default.Project(10_000);

        Assert.Equal([AnswerMode.Rag, AnswerMode.FineTuned, AnswerMode.Hybrid], table.Select(p => p.Mode));
        Assert.Equal([990m, 1_700m, 1_790m], table.Select(p => p.TotalUsdPerMonth));
        Assert.Equal([0.0033m, 0.004m, 0.0043m], table.Select(p => p.UsdPerQuery));
        Assert.Equal([0m, 500m, 500m], table.Select(p => p.TrainingUsdPerMonth));
        Assert.All(table, p => Assert.Equal(30, p.DaysPerMonth));
        Assert.All(table, p => Assert.Null(p.MeasuredAnswers));
    }

    [Fact]
    public void Defaults_AreTheFrameworksFigures()
    {
        var m = CostModel.Default;

        Assert.Equal((0.0001m, 0.0002m, 0.003m, 0.004m, 500m, 30), (m.EmbeddingUsdPerQuery, m.SearchUsdPerQuery, m.BaseGenerationUsdPerQuery, m.FineTunedGenerationUsdPerQuery, m.TrainingUsdPerMonth, m.DaysPerMonth));
    }

    [Fact]
    public void Project_ScalesLinearlyInQueriesAndKeepsTrainingFixed()
    {
        var rag = CostModel.Default.Project(AnswerMode.Rag, 1_000);
        var hybrid = CostModel.Default.Project(AnswerMode.Hybrid, 0);

        Assert.Equal(99m, rag.TotalUsdPerMonth);
        Assert.Equal(500m, hybrid.TotalUsdPerMonth);
    }

    [Fact]
    public void Project_CustomComponents_AreUsed()
    {
        var model = CostModel.Default with { BaseGenerationUsdPerQuery = 0.001m, DaysPerMonth = 31 };

        Assert.Equal(0.0013m * 100 * 31, model.Project(AnswerMode.Rag, 100).TotalUsdPerMonth);
    }

    [Fact]
    public void ProjectMeasured_UsesTheMeanCostPerModeAndIgnoresUnpricedAnswers()
    {
        var answers = new[]
        {
            Answer(AnswerMode.Rag, 0.002m), Answer(AnswerMode.Rag, 0.004m), Answer(AnswerMode.Rag, null),
            Answer(AnswerMode.Hybrid, 0.005m),
        };

        var table = CostModel.Default.ProjectMeasured(answers, 10_000);

        Assert.Equal([AnswerMode.Rag, AnswerMode.Hybrid], table.Select(p => p.Mode));
        Assert.Equal((0.003m, 900m, 2), (table[0].UsdPerQuery, table[0].TotalUsdPerMonth, table[0].MeasuredAnswers!.Value));
        Assert.Equal((1_500m + 500m, 1), (table[1].TotalUsdPerMonth, table[1].MeasuredAnswers!.Value));
    }

    [Fact]
    public void Project_NegativeQueries_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.Default.Project(-1));

    private static Answer Answer(AnswerMode mode, decimal? cost) =>
        new() { Text = "x", Answered = true, Mode = mode, CostUsd = cost, Timings = new AnswerTimings() };
}
