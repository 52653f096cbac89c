namespace HybridAnswer;

/// <summary>The word <see cref="EnglishStemmer"/> works on: its characters with a length, suffixes cut and replaced in place, and
/// the tests of the Snowball algorithm (vowels, regions, short syllables).</summary>
internal sealed class StemmedWord(string word)
{
    private readonly char[] _chars = (word + "  ").ToCharArray();

    public int Length { get; set; } = word.Length;

    public char this[int index]
    {
        get => index < Length ? _chars[index] : throw new ArgumentOutOfRangeException(nameof(index));
        set => _chars[index] = value;
    }

    /// <summary>Whether a character is a vowel of the algorithm (a, e, i, o, u, y; a 'Y' marked as consonant is not).</summary>
    public static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    /// <summary>Whether a word is ASCII lower-case letters only.</summary>
    public static bool IsLowerLetters(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }

    public void Append(char c) => _chars[Length++] = c;

    public void Append(string text)
    {
        foreach (var c in text)
        {
            Append(c);
        }
    }

    public bool StartsWith(string prefix) => Length >= prefix.Length && _chars.AsSpan(0, prefix.Length).SequenceEqual(prefix);

    public bool EndsWith(string suffix) => Length >= suffix.Length && _chars.AsSpan(Length - suffix.Length, suffix.Length).SequenceEqual(suffix);

    /// <summary>Whether a vowel comes before <paramref name="end"/>.</summary>
    public bool HasVowelBefore(int end)
    {
        for (var i = 0; i < end; i++)
        {
            if (IsVowel(_chars[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The start of the region after the first non-vowel following a vowel at or after <paramref name="start"/> (R1 from 0, R2 from R1); the length when there is none.</summary>
    public int RegionAfter(int start)
    {
        for (var i = start + 1; i < Length; i++)
        {
            if (!IsVowel(_chars[i]) && IsVowel(_chars[i - 1]))
            {
                return i + 1;
            }
        }

        return Length;
    }

    /// <summary>Whether the word cut at <paramref name="end"/> ends in a short syllable: non-vowel, vowel, non-vowel other than w, x, Y;
    /// or, two letters long, a vowel then a non-vowel.</summary>
    public bool EndsInShortSyllable(int end)
    {
        if (end == 2)
        {
            return IsVowel(_chars[0]) && !IsVowel(_chars[1]);
        }

        return end >= 3 && !IsVowel(_chars[end - 3]) && IsVowel(_chars[end - 2]) && !IsVowel(_chars[end - 1]) && _chars[end - 1] is not ('w' or 'x' or 'Y');
    }

    public override string ToString() => new(_chars, 0, Length);
}
