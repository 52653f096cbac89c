using System.Collections.Concurrent;

namespace HybridAnswer;

/// <summary>
/// The Snowball English ("Porter2") stemmer, the algorithm behind PostgreSQL's <c>english</c> text search configuration, for a
/// lower-cased word of ASCII letters (any other word is returned as it is: a product code, a number, an accented word). The
/// tokenizer splits at apostrophes, so the algorithm's apostrophe step has nothing to do and is left out.
/// </summary>
internal static class EnglishStemmer
{
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie", ["idly"] = "idl",
        ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli", ["singly"] = "singl",
        ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas", ["cosmos"] = "cosmos", ["bias"] = "bias",
        ["andes"] = "andes",
    };

    private static readonly HashSet<string> AfterStep1A = new(StringComparer.Ordinal)
    {
        "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
    };

    private static readonly (string Suffix, string Replacement)[] Step2Suffixes =
    [
        ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"), ("tional", "tion"),
        ("biliti", "ble"), ("lessli", "less"), ("entli", "ent"), ("ation", "ate"), ("alism", "al"), ("aliti", "al"), ("ousli", "ous"),
        ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("izer", "ize"), ("ator", "ate"),
        ("alli", "al"), ("bli", "ble"), ("ogi", "og"), ("li", string.Empty),
    ];

    private static readonly (string Suffix, string Replacement)[] Step3Suffixes =
    [
        ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ative", string.Empty),
        ("ical", "ic"), ("ness", string.Empty), ("ful", string.Empty),
    ];

    private static readonly string[] RegionOnePrefixes = ["gener", "commun", "arsen"];

    private static readonly string[] EedSuffixes = ["eedly", "eed"];

    private static readonly string[] IngEdSuffixes = ["ingly", "edly", "ing", "ed"];

    private static readonly string[] Step4Suffixes =
    [
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic",
    ];

    // A document set has a few tens of thousands of distinct words: they are stemmed once (stemming costs about what tokenizing does).
    private const int CacheLimit = 1 << 16;
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);
    private static int _cached;

    /// <summary>Stems one lower-cased word.</summary>
    public static string Stem(string word)
    {
        if (Cache.TryGetValue(word, out var stem))
        {
            return stem;
        }

        stem = Compute(word);
        if (Volatile.Read(ref _cached) < CacheLimit && Cache.TryAdd(word, stem))
        {
            Interlocked.Increment(ref _cached);
        }

        return stem;
    }

    private static string Compute(string word)
    {
        if (word.Length <= 2 || !StemmedWord.IsLowerLetters(word))
        {
            return word;
        }

        if (Exceptions.TryGetValue(word, out var exception))
        {
            return exception;
        }

        var w = new StemmedWord(word);
        for (var i = 0; i < w.Length; i++)
        {
            if (w[i] == 'y' && (i == 0 || StemmedWord.IsVowel(w[i - 1])))
            {
                w[i] = 'Y';
            }
        }

        var r1 = RegionOne(w);
        var r2 = w.RegionAfter(r1);
        Step1A(w);
        if (w.Length <= 7 && AfterStep1A.Contains(w.ToString()))
        {
            return w.ToString();
        }

        Step1B(w, r1);
        Step1C(w);
        Replace(w, Step2Suffixes, r1, step2: true);
        Replace(w, Step3Suffixes, r1, step2: false, r2);
        Step4(w, r2);
        Step5(w, r1, r2);
        return w.ToString().Replace('Y', 'y');
    }

    private static int RegionOne(StemmedWord w)
    {
        foreach (var prefix in RegionOnePrefixes)
        {
            if (w.StartsWith(prefix))
            {
                return prefix.Length;
            }
        }

        return w.RegionAfter(0);
    }

    private static void Step1A(StemmedWord w)
    {
        if (w.EndsWith("sses"))
        {
            w.Length -= 2;
        }
        else if (w.EndsWith("ied") || w.EndsWith("ies"))
        {
            w.Length -= w.Length > 4 ? 2 : 1;
        }
        else if (w.EndsWith("us") || w.EndsWith("ss"))
        {
            return;
        }
        else if (w.EndsWith("s"))
        {
            for (var i = 0; i < w.Length - 2; i++)
            {
                if (StemmedWord.IsVowel(w[i]))
                {
                    w.Length--;
                    return;
                }
            }
        }
    }

    private static void Step1B(StemmedWord w, int r1)
    {
        foreach (var suffix in EedSuffixes)
        {
            if (w.EndsWith(suffix))
            {
                if (w.Length - suffix.Length >= r1)
                {
                    w.Length -= suffix.Length - 2;
                }

                return;
            }
        }

        foreach (var suffix in IngEdSuffixes)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var stem = w.Length - suffix.Length;
            if (!w.HasVowelBefore(stem))
            {
                return;
            }

            w.Length = stem;
            if (w.EndsWith("at") || w.EndsWith("bl") || w.EndsWith("iz"))
            {
                w.Append('e');
            }
            else if (w.Length >= 2 && w[^1] == w[^2] && w[^1] is 'b' or 'd' or 'f' or 'g' or 'm' or 'n' or 'p' or 'r' or 't')
            {
                w.Length--;
            }
            else if (RegionOne(w) >= w.Length && w.EndsInShortSyllable(w.Length))
            {
                w.Append('e');
            }

            return;
        }
    }

    private static void Step1C(StemmedWord w)
    {
        if (w.Length > 2 && (w[^1] == 'y' || w[^1] == 'Y') && !StemmedWord.IsVowel(w[^2]))
        {
            w[^1] = 'i';
        }
    }

    private static void Replace(StemmedWord w, (string Suffix, string Replacement)[] suffixes, int r1, bool step2, int r2 = 0)
    {
        foreach (var (suffix, replacement) in suffixes)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var stem = w.Length - suffix.Length;
            if (stem < r1 || (suffix == "ative" && stem < r2) || (step2 && suffix == "ogi" && (stem == 0 || w[stem - 1] != 'l')) ||
                (step2 && suffix == "li" && (stem == 0 || w[stem - 1] is not ('c' or 'd' or 'e' or 'g' or 'h' or 'k' or 'm' or 'n' or 'r' or 't'))))
            {
                return;
            }

            w.Length = stem;
            w.Append(replacement);
            return;
        }
    }

    private static void Step4(StemmedWord w, int r2)
    {
        foreach (var suffix in Step4Suffixes)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var stem = w.Length - suffix.Length;
            if (stem >= r2 && (suffix != "ion" || (stem > 0 && w[stem - 1] is 's' or 't')))
            {
                w.Length = stem;
            }

            return;
        }
    }

    private static void Step5(StemmedWord w, int r1, int r2)
    {
        if (w.EndsWith("e"))
        {
            var stem = w.Length - 1;
            if (stem >= r2 || (stem >= r1 && !w.EndsInShortSyllable(stem)))
            {
                w.Length = stem;
            }
        }
        else if (w.EndsWith("l") && w.Length - 1 >= r2 && w.Length >= 2 && w[^2] == 'l')
        {
            w.Length--;
        }
    }
}
