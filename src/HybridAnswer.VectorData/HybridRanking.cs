using System.Numerics.Tensors;
using HybridAnswer.InMemory;
using Microsoft.Extensions.VectorData;

namespace HybridAnswer.VectorData;

/// <summary>
/// How <see cref="VectorDataChunkStore"/> ranks a hybrid search. The connector's hybrid search finds the candidates (its full-text
/// index brings in the chunks with an exact term the vectors miss); the store then ranks them as the in-memory and PostgreSQL stores
/// rank theirs — the cosine ranking and a BM25 ranking of the candidates' text, fused by score-weighted reciprocal rank fusion
/// (<see cref="RankFusion"/>, k = <see cref="RetrievalConstants.DefaultRrfK"/>, the keyword ranking counting as much as its best
/// match covers the question) — instead of keeping the connector's own fusion
/// (plain RRF with k = 60 in Azure AI Search, Qdrant and Elasticsearch), which ranks every chunk both lists place in the middle
/// above one chunk only the keyword list places first, and counts a keyword match on one common word as fully as an exact code.
/// BM25's term statistics are the candidates' (the connector's index does not expose its own); the candidates are the chunks the
/// question's vector and words found, so a word on most of them weighs little and a rare code weighs much, as in the whole index.
/// </summary>
internal static class HybridRanking
{
    /// <summary>The words of a query a connector's full-text search is given: each word with its inner punctuation (<c>QX-7731</c>,
    /// <c>e-mail</c>: engines keep product codes together or match their parts), lower-cased, stop words left out so that
    /// "do", "for" or "my" do not rank chunks.</summary>
    public static List<string> Keywords(string query) =>
        [.. query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim().Trim(Punctuation).ToLowerInvariant())
            .Where(w => w.Length > 1 && !TextAnalyzer.IsStopWord(w)).Distinct(StringComparer.Ordinal)];

    /// <summary>Ranks the candidates of a hybrid search, best first, each with its cosine (<see langword="null"/> for a record returned without its vector).</summary>
    /// <param name="candidates">The connector's hybrid results, their vectors included.</param>
    /// <param name="query">The query text.</param>
    /// <param name="queryVector">The unit-length query vector.</param>
    /// <returns>The candidates in fused order with their cosine to the query.</returns>
    public static IEnumerable<(KnowledgeChunkRecord Record, double Cosine)> Rank(IReadOnlyList<VectorSearchResult<KnowledgeChunkRecord>> candidates, string query, float[] queryVector)
    {
        var cosines = candidates.Select(c => Cosine(c, queryVector)).ToArray();
        var byVector = Enumerable.Range(0, candidates.Count)
            .OrderByDescending(i => cosines[i]).ThenBy(i => i)
            .Select(i => (i, cosines[i])).ToList();
        var terms = candidates.Select(c => Bm25Index.CountTerms(c.Record.Title + "\n" + c.Record.Content)).ToList();
        var index = new Bm25Index(terms);
        var queryTerms = Bm25Index.Terms(query);
        var byKeyword = index.Score(queryTerms).OrderByDescending(s => s.Value).ThenBy(s => s.Key).Select(s => (s.Key, s.Value)).ToList();
        var coverage = byKeyword.Count == 0 ? 0 : index.Coverage(queryTerms, terms[byKeyword[0].Key]);
        return RankFusion.Fuse(RetrievalConstants.DefaultRrfK, byVector, byKeyword, coverage).Select(i => (candidates[i].Record, cosines[i]));
    }

    /// <summary>The cosine of the query and a result (the vectors are unit length), whatever scale the connector's score has; the
    /// connector's score when the record came back without its vector.</summary>
    public static double Cosine(VectorSearchResult<KnowledgeChunkRecord> result, float[] queryVector) =>
        result.Record.Embedding.Length == queryVector.Length ? TensorPrimitives.Dot(result.Record.Embedding.Span, queryVector) : result.Score ?? 0;

    private static readonly char[] Punctuation = ['.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>'];
}
