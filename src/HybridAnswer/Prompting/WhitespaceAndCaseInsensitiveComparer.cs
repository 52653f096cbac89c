namespace HybridAnswer;

/// <summary>
/// Equality of texts that differ only in whitespace runs (any <see cref="char.IsWhiteSpace(char)"/>, leading and trailing ignored,
/// inner runs equal to one space) and in case (<see cref="char.ToUpperInvariant"/>): the duplicate check of prompt packing,
/// without building the normalised copies (the split, join and upper-casing of every source allocated three copies of it).
/// </summary>
internal sealed class WhitespaceAndCaseInsensitiveComparer : IEqualityComparer<string>
{
    public static readonly WhitespaceAndCaseInsensitiveComparer Instance = new();

    public bool Equals(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        var (i, j) = (0, 0);
        while (true)
        {
            var a = Next(x, ref i);
            var b = Next(y, ref j);
            if (a != b)
            {
                return false;
            }

            if (a < 0)
            {
                return true;
            }
        }
    }

    /// <summary>A hash of the first <see cref="HashedChars"/> normalised characters: sources differ early, and hashing every
    /// character of five 1,000-character sources cost more than the rest of packing (Equals still compares them whole).</summary>
    public int GetHashCode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = default(HashCode);
        var i = 0;
        var c = Next(text, ref i);
        for (var n = 0; c >= 0 && n < HashedChars; n++, c = Next(text, ref i))
        {
            hash.Add(c);
        }

        return hash.ToHashCode();
    }

    private const int HashedChars = 64;

    /// <summary>The next character of the normalised text (a run of whitespace between words as one space), or -1 at its end.</summary>
    private static int Next(string text, ref int index)
    {
        var start = index;
        while (index < text.Length && char.IsWhiteSpace(text[index]))
        {
            index++;
        }

        if (index == text.Length)
        {
            return -1;
        }

        // Whitespace skipped after a character (never at the start: text[start - 1] is the character the last call returned, or
        // the one it stopped before) reads as one space; the next word's character comes on the next call.
        if (index > start && start > 0)
        {
            return ' ';
        }

        return char.ToUpperInvariant(text[index++]);
    }
}
