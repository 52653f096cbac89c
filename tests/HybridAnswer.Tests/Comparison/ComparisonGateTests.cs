using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Comparison;

public sealed class ComparisonGateTests
{
    [Fact]
    public void Check_DropWithinAllowance_Passes()
    {
        var violations = ComparisonGate.Check(Run(Result(AnswerMode.Rag, fact: 0.90, cost: 0.001m)), Run(Result(AnswerMode.Rag, fact: 0.86, cost: 0.00104m)), 0.05);

        Assert.Empty(violations);
    }

    [Fact]
    public void Check_DropPastAllowance_NamesMetricModeAndValues()
    {
        var violation = Assert.Single(ComparisonGate.Check(Run(Result(AnswerMode.Hybrid, fact: 0.90)), Run(Result(AnswerMode.Hybrid, fact: 0.80)), 0.05));

        Assert.Equal(AnswerMode.Hybrid, violation.Mode);
        Assert.Equal("factRate", violation.Metric);
        Assert.Equal(0.90, violation.Baseline);
        Assert.Equal(0.80, violation.Current);
        Assert.Equal("hybrid: factRate dropped from 0.900 to 0.800 (allowed drop 0.05)", violation.Message);
    }

    [Fact]
    public void Check_MetricNoLongerMeasuredOrModeMissing_Fails()
    {
        var baseline = Run(Result(AnswerMode.Rag, refusalRecall: 1.0), Result(AnswerMode.FineTuned));
        var current = Run(Result(AnswerMode.Rag, refusalRecall: null));

        var violations = ComparisonGate.Check(baseline, current);

        Assert.Contains(violations, v => v is { Mode: AnswerMode.Rag, Metric: "refusalRecall", Current: null });
        Assert.Contains(violations, v => v is { Mode: AnswerMode.FineTuned, Metric: "mode" });
    }

    [Fact]
    public void Check_VoiceOrFormatAgreementDrops_Fails()
    {
        var baseline = Run(Result(AnswerMode.FineTuned) with { FormatAgreement = 1.0, VoiceAgreement = 0.8 });
        var current = Run(Result(AnswerMode.FineTuned) with { FormatAgreement = 0.5, VoiceAgreement = 0.78 });

        var violation = Assert.Single(ComparisonGate.Check(baseline, current, 0.05));

        Assert.Equal("finetuned: formatAgreement dropped from 1.000 to 0.500 (allowed drop 0.05)", violation.Message);
    }

    [Fact]
    public void Check_CostRisePastRelativeAllowance_Fails()
    {
        var violation = Assert.Single(ComparisonGate.Check(Run(Result(AnswerMode.Rag, cost: 0.001m)), Run(Result(AnswerMode.Rag, cost: 0.0011m)), 0.05));

        Assert.Equal("costUsdPerAnswer", violation.Metric);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Check_AllowanceOutOfRange_Throws(double maxDrop) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ComparisonGate.Check(Run(Result(AnswerMode.Rag)), Run(Result(AnswerMode.Rag)), maxDrop));

    [Fact]
    public void Json_RoundTrip_KeepsModesMetricsAndVerdicts()
    {
        var run = Run(Result(AnswerMode.FineTuned, fact: 0.5, cost: 0.0002m)) with { ChecklistRecommendation = AnswerMode.Hybrid };

        var json = ModeComparisonJson.Serialize(run);
        var back = ModeComparisonJson.Deserialize(json);

        Assert.Contains("\"mode\": \"finetuned\"", json, StringComparison.Ordinal);
        Assert.Contains("\"checklistRecommendation\": \"hybrid\"", json, StringComparison.Ordinal);
        Assert.Equal(0.5, back.Modes[0].FactRate);
        Assert.Equal(0.0002m, back.Modes[0].CostUsdPerAnswer);
        Assert.Equal(AnswerMode.Hybrid, back.ChecklistRecommendation);
        Assert.Throws<FormatException>(() => ModeComparisonJson.Deserialize("[1, 2]"));
    }

    private static ModeComparison Run(params ModeResult[] modes) => new()
    {
        Modes = modes, QueriesPerDay = 10_000, Recommendation = modes[0].Mode, RecommendationReason = "test",
    };

    private static ModeResult Result(AnswerMode mode, double? fact = 1.0, decimal? cost = null, double? refusalRecall = 1.0) => new()
    {
        Mode = mode, Questions = 10, FactRate = fact, CitationAccuracy = 1, Groundedness = 1, RefusalPrecision = 1, RefusalRecall = refusalRecall,
        LatencyP50Ms = 1, LatencyP95Ms = 2, CostUsdPerAnswer = cost,
    };
}
