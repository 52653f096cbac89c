namespace HybridAnswer.Benchmarks;

/// <summary>
/// A reproducible corpus of short single-chunk documents: about 40 words drawn from a 5,000-word vocabulary, with
/// metadata <c>status</c> (<c>published</c> for 9 in 10, <c>draft</c> otherwise) and <c>category</c> (20 values).
/// </summary>
internal static class SyntheticCorpus
{
    public const string PublishedShare = "0.9";

    private static readonly string[] Vocabulary = CreateVocabulary(5_000);

    public static IEnumerable<KnowledgeDocument> Documents(int count, int seed = 42)
    {
        var random = new Random(seed);
        var words = new string[40];
        for (var i = 0; i < count; i++)
        {
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = Vocabulary[random.Next(Vocabulary.Length)];
            }

            yield return new KnowledgeDocument($"doc-{i:D6}", $"Document {i}", string.Join(' ', words))
            {
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["status"] = i % 10 == 0 ? "draft" : "published",
                    ["category"] = $"c{i % 20}",
                },
            };
        }
    }

    /// <summary>A query of a few vocabulary words, so keyword scoring finds matches.</summary>
    public static string Query(int seed = 7)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, 6).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
    }

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
