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
    public static BertTokenizer Create()
    {
        BertTokenizer standard;
        using (var vocabulary = MiniLMModel.OpenVocabulary())
        {
            standard = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
        }

        // The standard normalizer (lower case, accents, CJK) still runs, after the line breaks became spaces.
        using var again = MiniLMModel.OpenVocabulary();
        return BertTokenizer.Create(again, new BertOptions { LowerCaseBeforeTokenization = true, Normalizer = new LineBreaksAsSpaces(standard.Normalizer) });
    }

    private sealed class LineBreaksAsSpaces(Normalizer? standard) : Normalizer
    {
        public override string Normalize(string original) => Normalize(original.AsSpan());

        public override string Normalize(ReadOnlySpan<char> original)
        {
            var characters = original.ToArray();
            for (var i = 0; i < characters.Length; i++)
            {
                if (characters[i] is '\n' or '\r' or '\t' or '\v' or '\f')
                {
                    characters[i] = ' ';
                }
            }

            var text = new string(characters);
            return standard is null ? text : standard.Normalize(text);
        }
    }
}
