using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Evaluation;

/// <summary>
/// The calibration end to end: the floor refuses no answerable question, and a question the generator declines by what its
/// support says (a price asked and not stated) counts as refused at every support threshold.
/// </summary>
public sealed class RefusalCalibratorContentTests
{
    private static readonly Dictionary<string, RetrievedChunk> Retrieved = new(StringComparer.Ordinal)
    {
        ["How do I reset a lantern wick?"] = Chunk("reset", "To reset a lantern wick, hold the reset button on the lantern wick holder.", 0.4),
        ["How do I clean a lantern glass?"] = Chunk("clean", "Clean a lantern glass with warm water and a soft cloth.", 0.7),
        ["How much does a lantern glass cost?"] = Chunk("shop", "A lantern glass is sold in the lantern shop and ships with a cloth.", 0.6),
    };

    private static RetrievedChunk Chunk(string id, string content, double score) => Generation.FakeRetriever.Chunk(id, content, score);

    [Fact]
    public async Task CalibrateAsync_NearDomainQuestionScoresAboveAnAnswerableOne_FloorStillRefusesNoAnswerableQuestion()
    {
        var calibration = await Calibrate();

        Assert.True(calibration.MinScore <= 0.4, $"MinScore {calibration.MinScore} refuses the answerable question scored 0.4");
    }

    [Fact]
    public async Task CalibrateAsync_QuestionDeclinedByContent_CountsAsRefusedAtEveryThreshold()
    {
        var calibration = await Calibrate();

        Assert.All(calibration.SupportCurve, p => Assert.Equal(1.0, p.RefusalRecall));
        var chosen = Assert.Single(calibration.SupportCurve, p => p.Threshold == calibration.SupportThreshold);
        Assert.Equal(0.0, chosen.AnswerableRefused);
    }

    private static Task<RefusalCalibration> Calibrate() => RefusalCalibrator.CalibrateAsync(
        [
            new EvaluationQuestion { Question = "How do I reset a lantern wick?", ExpectedDocuments = ["reset"] },
            new EvaluationQuestion { Question = "How do I clean a lantern glass?", ExpectedDocuments = ["clean"] },
            new EvaluationQuestion { Question = "How much does a lantern glass cost?", Unanswerable = true },
        ],
        new QuestionRetriever(),
        new ExtractiveGenerator(),
        new EvaluationOptions());

    private sealed class QuestionRetriever : IRetriever
    {
        public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<RetrievedChunk>>([Retrieved[request.Query]]);
    }
}
