using HybridAnswer.Evaluation;

namespace HybridAnswer.Tests.Evaluation;

public sealed class RankingMetricsTests
{
    private static readonly HashSet<string> RelevantAB = new(["a", "b"], StringComparer.Ordinal);

    [Fact]
    public void DistinctDocuments_SeveralChunksOfOneDocument_KeepsTheRankOfTheBest()
    {
        var chunks = new[] { Chunk("x", 0), Chunk("a", 0), Chunk("x", 1), Chunk("b", 2), Chunk("a", 1) };

        Assert.Equal(["x", "a", "b"], RankingMetrics.DistinctDocuments(chunks));
    }

    [Theory]
    [InlineData(new[] { "a", "x" }, 1.0)]
    [InlineData(new[] { "x", "a" }, 0.0)]
    [InlineData(new string[0], 0.0)]
    public void HitAt1_FirstDocument_IsRelevantOrNot(string[] ranked, double expected) =>
        Assert.Equal(expected, RankingMetrics.HitAt1(ranked, RelevantAB));

    [Theory]
    [InlineData(new[] { "x", "a", "y", "b" }, 2, 0.5)]
    [InlineData(new[] { "x", "a", "y", "b" }, 4, 1.0)]
    [InlineData(new[] { "x", "y" }, 5, 0.0)]
    public void RecallAt_KDocuments_ShareOfRelevantFound(string[] ranked, int k, double expected) =>
        Assert.Equal(expected, RankingMetrics.RecallAt(k, ranked, RelevantAB), 10);

    [Theory]
    [InlineData(new[] { "a" }, 1.0)]
    [InlineData(new[] { "x", "y", "b" }, 1.0 / 3)]
    [InlineData(new[] { "x" }, 0.0)]
    public void ReciprocalRank_FirstRelevant_OneOverRank(string[] ranked, double expected) =>
        Assert.Equal(expected, RankingMetrics.ReciprocalRank(ranked, RelevantAB), 10);

    [Fact]
    public void NdcgAt_IdealRanking_IsOne() =>
        Assert.Equal(1.0, RankingMetrics.NdcgAt(10, ["b", "a", "x"], RelevantAB), 10);

    [Fact]
    public void NdcgAt_RelevantAtRanks2And4_MatchesTheFormula()
    {
        var dcg = (1 / Math.Log2(3)) + (1 / Math.Log2(5));
        var ideal = 1 + (1 / Math.Log2(3));

        Assert.Equal(dcg / ideal, RankingMetrics.NdcgAt(10, ["x", "a", "y", "b"], RelevantAB), 10);
    }

    [Fact]
    public void NdcgAt_RelevantBeyondK_CountsNothing() =>
        Assert.Equal(0.0, RankingMetrics.NdcgAt(2, ["x", "y", "a"], RelevantAB));

    [Fact]
    public void NdcgAt_DuplicateRelevantDocument_CountsOnce() =>
        Assert.Equal(1 / (1 + (1 / Math.Log2(3))), RankingMetrics.NdcgAt(10, ["a", "a"], RelevantAB), 10);

    [Theory]
    [InlineData(50, 5)]
    [InlineData(95, 10)]
    [InlineData(10, 1)]
    [InlineData(100, 10)]
    public void Percentile_TenValues_NearestRank(double percent, int expectedMilliseconds)
    {
        var values = Enumerable.Range(1, 10).Reverse().Select(ms => TimeSpan.FromMilliseconds(ms)).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), RankingMetrics.Percentile(values, percent));
    }

    [Fact]
    public void Percentile_NoValues_IsZero() => Assert.Equal(TimeSpan.Zero, RankingMetrics.Percentile([], 95));

    [Fact]
    public void Ratio_ZeroDenominator_IsNull()
    {
        Assert.Null(RankingMetrics.Ratio(0, 0));
        Assert.Equal(0.25, RankingMetrics.Ratio(1, 4));
    }

    private static RetrievedChunk Chunk(string document, int ordinal) => new()
    {
        ChunkId = $"{document}#{ordinal}",
        DocumentId = document,
        Ordinal = ordinal,
        Title = document,
        Content = "text",
        Score = 0.5,
    };
}
