using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// A second retrieval stage: asks the inner retriever for more candidates than requested, then reorders them by how close the
/// question is to the best passage inside each one (the knowledge base's own embedder, so nothing more is loaded), blended with
/// the first stage's order, and keeps the top-K. A chunk is embedded as a whole, so a paraphrased question that matches one of
/// its sentences can rank below a chunk that is about the question's topic in general; its best sentence finds it. Scores are
/// passed through unchanged (the relevance floor keeps its scale); only the order changes. Thread-safe.
/// </summary>
internal sealed class SentenceReranker : IRetriever
{
    /// <summary>How many candidates the first stage returns per requested chunk.</summary>
    internal const int CandidateFactor = 2;

    /// <summary>The fewest candidates reranked, so a top-1 request still gets a second opinion.</summary>
    internal const int MinCandidates = 8;

    // The weight of the best passage's similarity against the first stage's rank prior (1/(1+rank)); measured on the
    // development sets, see docs/benchmarks.md (issue 22).
    internal const double PassageWeight = 1.0;
    internal const double RankWeight = 0.1;

    private readonly IRetriever _inner;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly double _passageWeight;
    private readonly double _rankWeight;
    private readonly int _candidateFactor;

    public SentenceReranker(IRetriever inner, IEmbeddingGenerator<string, Embedding<float>> embedder, double passageWeight = PassageWeight, double rankWeight = RankWeight, int candidateFactor = CandidateFactor)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(embedder);
        _inner = inner;
        _embedder = embedder;
        _passageWeight = passageWeight;
        _rankWeight = rankWeight;
        _candidateFactor = candidateFactor;
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var depth = Math.Min(Math.Max(request.TopK * _candidateFactor, MinCandidates), RetrievalRequest.MaxTopK);
        var candidates = await _inner.RetrieveAsync(request with { TopK = depth }, cancellationToken).ConfigureAwait(false);
        if (candidates.Count <= 1)
        {
            return candidates;
        }

        var texts = new List<string> { request.Query };
        var owner = new List<int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            foreach (var passage in PassageReader.Read(candidates[i].Content))
            {
                texts.Add(passage.MatchText);
                owner.Add(i);
            }
        }

        if (owner.Count == 0)
        {
            return [.. candidates.Take(request.TopK)];
        }

        var embeddings = await _embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        var query = embeddings[0].Vector.Span;
        var best = new double[candidates.Count];
        Array.Fill(best, 0.0);
        for (var j = 0; j < owner.Count; j++)
        {
            best[owner[j]] = Math.Max(best[owner[j]], TensorPrimitives.CosineSimilarity(query, embeddings[j + 1].Vector.Span));
        }

        return [.. candidates
            .Select((chunk, rank) => (Chunk: chunk, Rank: rank, Value: (_passageWeight * best[rank]) + (_rankWeight / (1 + rank))))
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Rank)
            .Take(request.TopK)
            .Select(c => c.Chunk)];
    }
}
