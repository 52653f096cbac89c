namespace HybridAnswer.Benchmarks;

/// <summary>
/// A reproducible corpus of short single-chunk documents: about 40 words drawn from a 5,000-word vocabulary, with
/// metadata <c>status</c> (<c>published</c> for 9 in 10, <c>draft</c> otherwise) and <c>category</c> (20 values).
/// </summary>
internal static class SyntheticCorpus
{
    public const string PublishedShare = "0.9";

    private static readonly string[] Vocabulary = CreateVocabulary(5_000);

    /// <summary>The number of topics of a clustered corpus; each has its own 60-word sub-vocabulary.</summary>
    public const int Topics = 1_000;

    private const int TopicWords = 60;

    /// <summary>Creates the documents.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="clustered">
    /// When <see langword="false"/>, every word is drawn from the whole vocabulary (cheap, structure-free: fine where only
    /// cost is measured). When <see langword="true"/>, a document belongs to one of <see cref="Topics"/> topics and draws 30
    /// of its 40 words from the topic's words, like real documents cluster by subject; recall is only meaningful on such data.
    /// </param>
    public static IEnumerable<KnowledgeDocument> Documents(int count, int seed = 42, bool clustered = false)
    {
        var random = new Random(seed);
        var words = new string[40];
        for (var i = 0; i < count; i++)
        {
            var topic = i % Topics;
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = clustered && w < 30 ? TopicWord(topic, random.Next(TopicWords)) : Vocabulary[random.Next(Vocabulary.Length)];
            }

            yield return new KnowledgeDocument($"doc-{i:D6}", $"Document {i}", string.Join(' ', words))
            {
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["status"] = i % 10 == 0 ? "draft" : "published",
                    // Clustered: every topic spreads over all 20 categories, so a category filter keeps 5 % of each topic.
                    ["category"] = clustered ? $"c{(i / Topics) % 20}" : $"c{i % 20}",
                },
            };
        }
    }

    /// <summary>A query of a few vocabulary words, so keyword scoring finds matches; for a clustered corpus, words of one topic.</summary>
    public static string Query(int seed = 7, bool clustered = false)
    {
        var random = new Random(seed);
        var topic = random.Next(Topics);
        return string.Join(' ', Enumerable.Range(0, 6).Select(_ => clustered ? TopicWord(topic, random.Next(TopicWords)) : Vocabulary[random.Next(Vocabulary.Length)]));
    }

    // Topics overlap a little (a word can serve several topics), as subjects do.
    private static string TopicWord(int topic, int index) => Vocabulary[(int)(((long)topic * 7919 + (index * 104_729L)) % Vocabulary.Length)];

    private static string[] CreateVocabulary(int size)
    {
        // Pronounceable pseudo-words of 4–9 letters: real tokenisation and stemming work on them as on text.
        var random = new Random(1234);
        const string consonants = "bcdfghklmnprstvz";
        const string vowels = "aeiou";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < size)
        {
            var length = random.Next(4, 10);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = i % 2 == 0 ? consonants[random.Next(consonants.Length)] : vowels[random.Next(vowels.Length)];
            }

            words.Add(new string(chars));
        }

        return [.. words];
    }
}
