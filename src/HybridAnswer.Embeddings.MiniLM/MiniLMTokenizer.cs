using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>
/// The model's word-piece tokenizer, reading line breaks and tabs as spaces. Microsoft.ML.Tokenizers' BERT normalizer removes
/// them as control characters without putting a space in their place, so "Basic transactions\n\nAlthough" was read as
/// "transactionsalthough" ("transactions ##al ##th ##ough"): every hard-wrapped line, the title line and the heading path glued two
/// words together in every chunk the model embedded. The reference BERT tokenizer reads them as whitespace; so does this one.
/// </summary>
internal static class MiniLMTokenizer
{
    // The tokens BertTokenizer looks up at creation (unknown, separator, padding, classification, mask): enough of a vocabulary
    // to make the standard normalizer, which depends on the options alone.
    private const string SpecialTokensOnly = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";

    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\n\r\t\v\f");

    public static BertTokenizer Create()
    {
        // The standard normalizer (lower case, accents, CJK) still runs, after the line breaks became spaces. BertNormalizer is
        // internal to Microsoft.ML.Tokenizers: it is taken from a tokenizer of the same options over the special tokens alone,
        // so the real vocabulary (30,522 word pieces) is read and indexed once, not once for the normalizer and once again.
        using var specialTokens = new MemoryStream(Encoding.UTF8.GetBytes(SpecialTokensOnly), writable: false);
        var standard = BertTokenizer.Create(specialTokens, Options(normalizer: null)).Normalizer;
        using var vocabulary = MiniLMModel.OpenVocabulary();
        return BertTokenizer.Create(vocabulary, Options(new LineBreaksAsSpaces(standard)));
    }

    private static BertOptions Options(Normalizer? normalizer) => new() { LowerCaseBeforeTokenization = true, Normalizer = normalizer };

    private sealed class LineBreaksAsSpaces(Normalizer? standard) : Normalizer
    {
        public override string Normalize(string original)
        {
            // Most texts have no line break: the standard normalizer reads them as they are, without a copy first.
            var first = original.AsSpan().IndexOfAny(LineBreaks);
            var text = first < 0 ? original : Spaced(original, first);
            return standard is null ? text : standard.Normalize(text);
        }

        public override string Normalize(ReadOnlySpan<char> original) =>
            original.ContainsAny(LineBreaks) ? Normalize(original.ToString())
            : standard is null ? original.ToString()
            : standard.Normalize(original);

        /// <summary>The text with every line break and tab from <paramref name="first"/> on as a space, in one copy.</summary>
        private static string Spaced(string text, int first) => string.Create(text.Length, (text, first), static (characters, state) =>
        {
            state.text.CopyTo(characters);
            for (var i = state.first; i < characters.Length; i++)
            {
                if (characters[i] is '\n' or '\r' or '\t' or '\v' or '\f')
                {
                    characters[i] = ' ';
                }
            }
        });
    }
}
