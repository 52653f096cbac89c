using System.CommandLine;
using HybridAnswer.InMemory;
using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>--retrieval</c>, <c>--min-score</c>, <c>--min-coverage</c> and <c>--min-similarity</c> of <c>ask</c> and <c>eval</c>: how
/// chunks are ranked and the refusal thresholds, so the values <c>eval --calibrate</c> recommends can be tried on the command line
/// before they go into a host's configuration (<c>HybridAnswering:MinScore</c>, <c>HybridAnswering:Extractive:*</c>).
/// </summary>
internal sealed class AnsweringThresholdOptions
{
    public const string Hybrid = "hybrid";
    public const string Vector = "vector";
    public const string Keyword = "keyword";

    private readonly Option<string?> _retrieval = new("--retrieval")
    {
        Description = "How chunks are ranked: hybrid (vector + keyword, fused; the default), vector or keyword.",
    };

    private readonly Option<double?> _minScore = NumberOption.CreateOptional(
        "--min-score", "Relevance floor on the best chunk's score, -1 to 1 (default: the embedder's recommended value).", -1.0, 1.0);

    private readonly Option<double?> _minCoverage = NumberOption.CreateOptional(
        "--min-coverage", "Offline generator: share of the question's content words one source must contain, 0-1 (default 0.6).", 0.0, 1.0);

    private readonly Option<double?> _minSimilarity = NumberOption.CreateOptional(
        "--min-similarity", "Offline generator with a semantic embedder: a sentence this similar to the question supports an answer, -1 to 1 (default 0.35).", -1.0, 1.0);

    public AnsweringThresholdOptions() => _retrieval.AcceptOnlyFromAmong(Hybrid, Vector, Keyword);

    public void AddTo(Command command)
    {
        command.Options.Add(_retrieval);
        command.Options.Add(_minScore);
        command.Options.Add(_minCoverage);
        command.Options.Add(_minSimilarity);
    }

    /// <summary>Applies the given values; call it after the embedder is registered, so an explicit <c>--min-score</c> wins over the embedder's recommendation.</summary>
    public void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parse);
        var minScore = parse.GetValue(_minScore);
        var minCoverage = parse.GetValue(_minCoverage);
        var minSimilarity = parse.GetValue(_minSimilarity);
        builder.Services.PostConfigure<HybridAnsweringOptions>(o =>
        {
            o.MinScore = minScore ?? o.MinScore;
            o.Extractive.MinQuestionCoverage = minCoverage ?? o.Extractive.MinQuestionCoverage;
            o.Extractive.MinSentenceSimilarity = minSimilarity ?? o.Extractive.MinSentenceSimilarity;
        });

        if (parse.GetValue(_retrieval) is { } retrieval)
        {
            var kind = retrieval switch
            {
                Vector => RetrievalKind.Vector,
                Keyword => RetrievalKind.Keyword,
                _ => RetrievalKind.Hybrid,
            };
            builder.Services.PostConfigure<InMemoryKnowledgeBaseOptions>(o => o.RetrievalKind = kind);
            builder.Services.PostConfigure<PgVectorKnowledgeBaseOptions>(o => o.RetrievalKind = kind);
        }
    }
}
