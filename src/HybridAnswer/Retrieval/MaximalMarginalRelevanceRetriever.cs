using System.Numerics.Tensors;

namespace HybridAnswer;

/// <summary>
/// A retriever decorator that reranks by maximal marginal relevance (Carbonell and Goldstein, 1998): it asks the inner retriever
/// for more candidates than requested and picks top-K one at a time, each maximising
/// <c>λ · relevance − (1 − λ) · (highest similarity to a chunk already picked)</c>, so near-duplicate chunks no longer fill the
/// prompt. Add it with <c>UseMaximalMarginalRelevance()</c> on the <c>AddHybridAnswering()</c> builder. Thread-safe.
/// </summary>
/// <remarks>
/// Relevance is the candidate's <see cref="RetrievedChunk.Score"/> (the query–chunk cosine for vector and hybrid retrieval), as in
/// the original formulation: it is then on the same scale as the chunk–chunk similarity it is traded against. Register this
/// decorator beneath (before) decorators that rescore on another scale. Similarity of two chunks is the cosine of their
/// <see cref="RetrievedChunk.Embedding"/>s when both have one of the same length, otherwise the cosine of their term-count
/// vectors (the library's stemmed terms without stop words). Ties keep the inner order; scores are passed through unchanged.
/// </remarks>
public sealed class MaximalMarginalRelevanceRetriever : DelegatingRetriever
{
    private readonly double _lambda;
    private readonly int _candidateFactor;

    /// <summary>Initializes a new decorator.</summary>
    /// <param name="inner">The retriever whose candidates are reranked.</param>
    /// <param name="options">λ and the candidate factor; the defaults when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range (the message names its configuration key).</exception>
    public MaximalMarginalRelevanceRetriever(IRetriever inner, MaximalMarginalRelevanceOptions? options = null)
        : base(inner)
    {
        options ??= new MaximalMarginalRelevanceOptions();
        OptionsValidation.ThrowIfInvalid(new MaximalMarginalRelevanceOptionsValidator(), options);

        _lambda = options.Lambda;
        _candidateFactor = options.CandidateFactor;
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = await InnerRetriever.RetrieveAsync(
            request with { TopK = Math.Min(request.TopK * _candidateFactor, RetrievalRequest.MaxTopK) },
            cancellationToken).ConfigureAwait(false);
        return Select(candidates, request.TopK, _lambda);
    }

    /// <summary>Picks up to <paramref name="topK"/> of the candidates (best first) by maximal marginal relevance.</summary>
    internal static IReadOnlyList<RetrievedChunk> Select(IReadOnlyList<RetrievedChunk> candidates, int topK, double lambda)
    {
        var n = candidates.Count;
        if (n <= 1)
        {
            return candidates;
        }

        var terms = new Dictionary<string, int>?[n];
        var maxSimilarity = new double[n];
        Array.Fill(maxSimilarity, double.NegativeInfinity);
        var picked = new bool[n];
        var selected = new List<RetrievedChunk>(Math.Min(topK, n));
        var last = -1;
        while (selected.Count < topK && selected.Count < n)
        {
            var best = -1;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                if (picked[i])
                {
                    continue;
                }

                if (last >= 0)
                {
                    maxSimilarity[i] = Math.Max(maxSimilarity[i], Similarity(candidates, terms, i, last));
                }

                var relevance = candidates[i].Score;
                var value = last < 0 ? relevance : (lambda * relevance) - ((1 - lambda) * maxSimilarity[i]);
                if (value > bestValue)
                {
                    best = i;
                    bestValue = value;
                }
            }

            picked[best] = true;
            selected.Add(candidates[best]);
            last = best;
        }

        return selected;
    }

    private static double Similarity(IReadOnlyList<RetrievedChunk> candidates, Dictionary<string, int>?[] terms, int a, int b)
    {
        var x = candidates[a].Embedding.Span;
        var y = candidates[b].Embedding.Span;
        if (x.Length > 0 && x.Length == y.Length)
        {
            var cosine = TensorPrimitives.CosineSimilarity(x, y);
            return float.IsNaN(cosine) ? 0 : cosine;
        }

        return LexicalCosine(terms[a] ??= TermCounts(candidates[a].Content), terms[b] ??= TermCounts(candidates[b].Content));
    }

    private static Dictionary<string, int> TermCounts(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in TextAnalyzer.Terms(text))
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        return counts;
    }

    private static double LexicalCosine(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        double dot = 0;
        foreach (var (term, count) in small)
        {
            if (large.TryGetValue(term, out var other))
            {
                dot += (double)count * other;
            }
        }

        return dot / (Norm(a) * Norm(b));

        static double Norm(Dictionary<string, int> counts) => Math.Sqrt(counts.Values.Sum(c => (double)c * c));
    }
}
