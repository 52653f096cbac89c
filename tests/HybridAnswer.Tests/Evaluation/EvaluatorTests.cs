using HybridAnswer.Evaluation;
using HybridAnswer.InMemory;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Evaluation;

public sealed class EvaluatorTests
{
    [Fact]
    public void Summarize_HandmadeOutcomes_ComputesEveryMetric()
    {
        var outcomes = new[]
        {
            // Answerable, relevant first, phrase found.
            Outcome(Answerable("q1", "a"), ["a", "x"], answered: true, contains: true, ms: 10),
            // Answerable, relevant third, refused (a wrong refusal), phrase missed.
            Outcome(Answerable("q2", "b"), ["x", "y", "b"], answered: false, contains: false, ms: 20),
            // Answerable with two relevant documents, one ranked second, the other not at all; no phrase.
            Outcome(Answerable("q3", "c", "d"), ["x", "c"], answered: true, contains: null, ms: 30),
            // Unanswerable, refused (right).
            Outcome(Unanswerable("q4"), ["x"], answered: false, contains: null, ms: 40),
            // Unanswerable, answered (wrong).
            Outcome(Unanswerable("q5"), ["y"], answered: true, contains: null, ms: 50),
        };

        var report = Evaluator.Summarize(outcomes, topK: 2);

        Assert.Equal(5, report.QuestionCount);
        Assert.Equal(3, report.AnswerableCount);
        Assert.Equal(2, report.UnanswerableCount);
        Assert.Equal(1.0 / 3, report.HitAt1!.Value, 10);
        Assert.Equal((1 + 0 + 0.5) / 3, report.RecallAtK!.Value, 10);
        Assert.Equal((1 + (1.0 / 3) + 0.5) / 3, report.MeanReciprocalRank!.Value, 10);
        var ndcg2 = 1 / Math.Log2(4);
        var ndcg3 = (1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3)));
        Assert.Equal((1 + ndcg2 + ndcg3) / 3, report.NdcgAt10!.Value, 10);
        Assert.Equal(0.5, report.RefusalPrecision);
        Assert.Equal(0.5, report.RefusalRecall);
        Assert.Equal(0.5, report.AnswerContainsRate);
        Assert.Equal(2, report.AnswerContainsCheckedCount);
        Assert.Equal(TimeSpan.FromMilliseconds(30), report.AnswerLatencyP50);
        Assert.Equal(TimeSpan.FromMilliseconds(50), report.AnswerLatencyP95);
    }

    [Fact]
    public void Summarize_NoRefusalsAndNoUnanswerable_LeavesRefusalMetricsNull()
    {
        var report = Evaluator.Summarize([Outcome(Answerable("q", "a"), ["a"], answered: true, contains: null, ms: 1)], topK: 5);

        Assert.Null(report.RefusalPrecision);
        Assert.Null(report.RefusalRecall);
        Assert.Null(report.AnswerContainsRate);
        Assert.Equal(1.0, report.HitAt1);
    }

    [Fact]
    public async Task EvaluateAsync_FilterExcludesDraft_DraftNeverRankedAndMetricsMatchOutcomes()
    {
        var knowledge = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledge.UpsertAsync(
        [
            Document("returns", "Returns", "Returns are accepted within 30 days of delivery for a full refund.", "published"),
            Document("returns-old", "Returns (old)", "Returns are accepted within 14 days of delivery for a full refund.", "draft"),
            Document("shipping", "Shipping", "Shipping is free on orders of $49 or more within the country.", "published"),
        ]);
        var answerer = new HybridAnswerer(knowledge, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
        var questions = new[]
        {
            Answerable("Within how many days of delivery are returns accepted?", "returns") with { ExpectedAnswerContains = "30 days" },
            Answerable("Is shipping free on orders of $49?", "shipping"),
        };

        var report = await new Evaluator(answerer).EvaluateAsync(
            questions,
            new EvaluationOptions { TopK = 3, Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(2, report.QuestionCount);
        Assert.Equal(3, report.TopK);
        Assert.All(report.Outcomes, o => Assert.DoesNotContain("returns-old", o.RankedDocuments));
        Assert.Equal(["returns", "shipping"], report.Outcomes.Select(o => o.RankedDocuments[0]));
        Assert.Equal(1.0, report.HitAt1);
        Assert.Equal(1.0, report.MeanReciprocalRank);
        Assert.True(report.Outcomes[0].Answered);
        Assert.Contains("30 days", report.Outcomes[0].AnswerText, StringComparison.Ordinal);
        Assert.Equal(1.0, report.AnswerContainsRate);
        Assert.All(report.Outcomes, o => Assert.True(o.AnswerLatency > TimeSpan.Zero));
    }

    [Fact]
    public async Task EvaluateAsync_NoQuestions_ThrowsArgumentException()
    {
        var knowledge = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        var answerer = new HybridAnswerer(knowledge, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        await Assert.ThrowsAsync<ArgumentException>(() => new Evaluator(answerer).EvaluateAsync([]));
    }

    private static KnowledgeDocument Document(string id, string title, string content, string status) =>
        new(id, title, content) { Metadata = new Dictionary<string, string> { ["status"] = status } };

    [Fact]
    public void Summarize_QuestionsWithStyles_ReportsEachStyleSeparately()
    {
        var outcomes = new[]
        {
            Outcome(Answerable("q1", "a") with { Style = "lexical" }, ["a"], answered: true, contains: true, ms: 1),
            Outcome(Answerable("q2", "b") with { Style = "lexical" }, ["b"], answered: true, contains: false, ms: 1),
            Outcome(Answerable("q3", "c") with { Style = "paraphrase" }, ["x", "c"], answered: false, contains: false, ms: 1),
            Outcome(Unanswerable("q4") with { Style = "paraphrase" }, ["x"], answered: false, contains: null, ms: 1),
        };

        var report = Evaluator.Summarize(outcomes, topK: 5);

        Assert.Equal(["lexical", "paraphrase"], report.ByStyle.Select(s => s.Style));
        var lexical = report.ByStyle[0];
        var paraphrase = report.ByStyle[1];
        Assert.Equal((2, 1.0, 0.5, 0), (lexical.AnswerableCount, lexical.HitAt1!.Value, lexical.AnswerContainsRate!.Value, lexical.Refused));
        Assert.Equal((1, 0.0, 1.0, 0.0, 1), (paraphrase.AnswerableCount, paraphrase.HitAt1!.Value, paraphrase.RecallAtK!.Value, paraphrase.AnswerContainsRate!.Value, paraphrase.Refused));
    }

    [Theory]
    [InlineData(false, null, 5, true, null, EvaluationMiss.RetrievalMiss)]
    [InlineData(false, 6, 5, true, true, EvaluationMiss.RetrievalMiss)]
    [InlineData(false, 2, 5, false, false, EvaluationMiss.OverRefusal)]
    [InlineData(false, 1, 5, true, false, EvaluationMiss.WrongSentence)]
    [InlineData(false, 1, 5, true, true, EvaluationMiss.None)]
    [InlineData(true, null, 5, true, null, EvaluationMiss.AnsweredUnanswerable)]
    [InlineData(true, null, 5, false, null, EvaluationMiss.None)]
    public void Classify_Outcome_NamesWhereItWentWrong(bool unanswerable, int? rank, int topK, bool answered, bool? contains, EvaluationMiss expected)
    {
        var question = unanswerable ? Unanswerable("q") : Answerable("q", "a");

        Assert.Equal(expected, Evaluator.Classify(question, rank, topK, answered, contains));
    }

    [Fact]
    public async Task EvaluateAsync_AnswerableQuestionBelowTheFloor_CountedAsAFloorRefusalWithItsReason()
    {
        var knowledge = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await knowledge.UpsertAsync([Document("returns", "Returns", "Returns are accepted within 30 days of delivery for a full refund.", "published")]);
        var answerer = new HybridAnswerer(knowledge, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions { MinScore = 0.99 }));

        var report = await new Evaluator(answerer).EvaluateAsync([Answerable("Can I send back an item I ordered?", "returns")]);

        Assert.Equal(1, report.FloorRefusedAnswerableCount);
        Assert.Equal(NoAnswerReason.NoRelevantSources, report.Outcomes[0].RefusalReason);
        Assert.Equal(EvaluationMiss.OverRefusal, report.Outcomes[0].Miss);
        Assert.Equal(1, report.Misses[EvaluationMiss.OverRefusal]);
    }

    private static EvaluationQuestion Answerable(string question, params string[] documents) =>
        new() { Question = question, ExpectedDocuments = documents };

    private static EvaluationQuestion Unanswerable(string question) => new() { Question = question, Unanswerable = true };

    private static QuestionOutcome Outcome(EvaluationQuestion question, string[] ranked, bool answered, bool? contains, int ms) => new()
    {
        Question = question,
        RankedDocuments = ranked,
        Answered = answered,
        AnswerText = answered ? "answer" : "I don't have that information.",
        AnswerContainsExpected = contains,
        FirstRelevantRank = null,
        RetrievalLatency = TimeSpan.FromMilliseconds(ms / 2.0),
        AnswerLatency = TimeSpan.FromMilliseconds(ms),
    };
}
