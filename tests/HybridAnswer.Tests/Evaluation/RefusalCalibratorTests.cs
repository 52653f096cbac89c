using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Evaluation;

public sealed class RefusalCalibratorTests
{
    private static List<(bool Unanswerable, double Value)> Samples(double[] answerable, double[] unanswerable) =>
        [.. answerable.Select(v => (false, v)), .. unanswerable.Select(v => (true, v))];

    [Fact]
    public void Curve_SeparableScores_OnePointPerValueMidwayAndRefuseAll()
    {
        var curve = RefusalCalibrator.Curve(Samples([0.5, 0.6, 0.7], [0.1, 0.2]));

        Assert.Equal([0.1, 0.15, 0.35, 0.55, 0.65, 0.71], curve.Select(p => p.Threshold));
        Assert.Equal([0, 0.5, 1, 1, 1, 1], curve.Select(p => p.RefusalRecall));
        Assert.Equal([0, 0, 0, 1.0 / 3, 2.0 / 3, 1], curve.Select(p => p.AnswerableRefused));
        Assert.Null(curve[0].RefusalPrecision); // refuses nothing
        Assert.Equal(1, curve[2].RefusalPrecision);
        Assert.Equal(0.4, curve[^1].RefusalPrecision!.Value, 9);
    }

    [Fact]
    public void Choose_SeparableScores_PicksTheGapBetweenTheClasses()
    {
        var curve = RefusalCalibrator.Curve(Samples([0.5, 0.6, 0.7], [0.1, 0.2]));

        Assert.Equal(0.35, RefusalCalibrator.Choose(curve));
    }

    [Fact]
    public void Choose_OverlappingScores_MaximisesRecallMinusAnswerableRefused()
    {
        // Refusing below 0.45 catches the unanswerable 0.4 at the cost of the answerable 0.3: J = 1 - 0.5, the best available.
        var curve = RefusalCalibrator.Curve(Samples([0.3, 0.5], [0.4]));

        Assert.Equal(0.45, RefusalCalibrator.Choose(curve));
    }

    [Fact]
    public void Choose_TiedPoints_PrefersRefusingFewerAnswerableQuestions()
    {
        // 0.25 (half the unanswerable refused, no answerable) and 0.55 (all unanswerable, half the answerable) both score J = 0.5.
        var curve = RefusalCalibrator.Curve(Samples([0.3, 0.6], [0.2, 0.5]));

        Assert.Equal(0.25, RefusalCalibrator.Choose(curve));
    }

    [Fact]
    public void Choose_NoUnanswerableQuestions_RefusesNothing()
    {
        var curve = RefusalCalibrator.Curve(Samples([0.3, 0.6, 0.9], []));

        Assert.All(curve, p => Assert.Equal(0, p.RefusalRecall));
        Assert.Equal(0.3, RefusalCalibrator.Choose(curve)); // the lowest observed value: nothing is below it
    }

    [Fact]
    public void Curve_NoSamples_IsEmptyAndChoosesZero()
    {
        var curve = RefusalCalibrator.Curve([]);

        Assert.Empty(curve);
        Assert.Equal(0, RefusalCalibrator.Choose(curve));
    }

    [Fact]
    public void Format_NamesTheFlagsAndKeysThatApplyTheRecommendation()
    {
        var curve = RefusalCalibrator.Curve(Samples([0.5], [0.1]));
        var text = RefusalCalibrator.Format(new RefusalCalibration
        {
            Samples = 2,
            Unanswerable = 1,
            MinScore = 0.3,
            MinScoreCurve = curve,
            SupportThreshold = 0.45,
            SupportCurve = curve,
            SupportKind = "sentence similarity",
        });

        Assert.Contains("try it: --min-score 0.300 --min-similarity 0.450", text, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:MinScore = 0.300, HybridAnswering:Extractive:MinSentenceSimilarity = 0.450", text, StringComparison.Ordinal);
    }
}
