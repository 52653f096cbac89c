namespace HybridAnswer.InMemory;

/// <summary>An immutable BM25 (Okapi, k1 = 1.2, b = 0.75) inverted index over the chunks of one snapshot, of Snowball-stemmed terms.</summary>
internal sealed class Bm25Index
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly Dictionary<string, (int Chunk, int Frequency)[]> _postings;
    private readonly int[] _lengths;
    private readonly double _averageLength;

    public Bm25Index(IReadOnlyList<IReadOnlyDictionary<string, int>> chunkTerms)
    {
        var postings = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        _lengths = new int[chunkTerms.Count];
        long total = 0;
        for (var i = 0; i < chunkTerms.Count; i++)
        {
            foreach (var (term, frequency) in chunkTerms[i])
            {
                if (!postings.TryGetValue(term, out var list))
                {
                    postings[term] = list = [];
                }

                list.Add((i, frequency));
                _lengths[i] += frequency;
            }

            total += _lengths[i];
        }

        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _averageLength = chunkTerms.Count == 0 ? 1 : Math.Max(1, (double)total / chunkTerms.Count);
    }

    /// <summary>
    /// The terms the index holds for a text, and looks up for a question: <see cref="TextAnalyzer"/>'s words less its stop words,
    /// stemmed by the Snowball English stemmer, the stemmer of PostgreSQL's <c>english</c> configuration, so that both stores'
    /// keyword rankings conflate the same forms ("configure", "configuration" → "configur").
    /// </summary>
    public static List<string> Terms(string text) => TextAnalyzer.Terms(text, EnglishStemmer.Stem);

    /// <summary>Counts the terms of a text, for indexing.</summary>
    public static IReadOnlyDictionary<string, int> CountTerms(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in Terms(text))
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        return counts;
    }

    /// <summary>Scores every chunk containing at least one query term.</summary>
    public Dictionary<int, double> Score(IEnumerable<string> queryTerms)
    {
        var scores = new Dictionary<int, double>();
        foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                continue;
            }

            var idf = Idf(postings.Length);
            foreach (var (chunk, frequency) in postings)
            {
                var norm = frequency + (K1 * (1 - B + (B * _lengths[chunk] / _averageLength)));
                scores[chunk] = scores.GetValueOrDefault(chunk) + (idf * frequency * (K1 + 1) / norm);
            }
        }

        return scores;
    }

    /// <summary>
    /// The share of the question's term weight (BM25's idf, summed over its distinct terms) that one chunk's terms hold, 0–1. A term
    /// no chunk holds weighs as much as the rarest: a question in words the documents never use is not well covered by any chunk.
    /// </summary>
    public double Coverage(IEnumerable<string> queryTerms, IReadOnlyDictionary<string, int> chunkTerms)
    {
        double total = 0, matched = 0;
        foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
        {
            var idf = Idf(_postings.TryGetValue(term, out var postings) ? postings.Length : 0);
            total += idf;
            matched += chunkTerms.ContainsKey(term) ? idf : 0;
        }

        return total > 0 ? matched / total : 0;
    }

    private double Idf(int documentFrequency) =>
        Math.Log(1 + ((_lengths.Length - documentFrequency + 0.5) / (documentFrequency + 0.5)));
}
