using HybridAnswer.Embeddings.MiniLM;
using Microsoft.ML.Tokenizers;

namespace HybridAnswer.Tests.Embeddings;

/// <summary>
/// The MiniLM word-piece tokenizer: the word pieces of the standard BERT tokenizer on the text with its line breaks and tabs read
/// as spaces, built from one reading of the vocabulary, and no copy of a text that has no line break.
/// </summary>
public sealed class MiniLMTokenizerTests
{
    private static readonly string[] Texts =
    [
        string.Empty,
        " ",
        "hello world",
        "Basic transactions\n\nAlthough savepoints\nare supported,\r\nnested\ttransactions are not.",
        "Line\vtab\fform feed\u0085next line\u2028separator",
        "Crème brûlée, naïve café — ÅNGSTRÖM İstanbul ß ﬁ",
        "漢字とかなの混じった文 and 한국어 text",
        "Emoji 👩‍💻 and 🙂 with combining e\u0301 and control \u0001 \u0000 \ufffd chars",
        "[CLS] [SEP] [MASK] [UNK] [PAD] as plain text",
        "pgvector's HNSW index: m = 16, ef_construction = 64; SELECT * FROM t ORDER BY v <=> $1 LIMIT 5;",
        "| Parameter | Default |\n|---|---|\n| Pooling | true |\n",
        "# Title\n\n## Heading\n\n* item one\n* item two\n\n```bash\ngit log --oneline\n```",
        string.Concat(Enumerable.Repeat("a hard-wrapped\nline of words ", 200)),
        "UPPER lower MiXeD 12345 3.14 1,000,000 e-mail@example.com https://example.com/path?q=1",
    ];

    [Fact]
    public void EncodeToIds_ManyTexts_SameIdsAsTheStandardTokenizerOnTheTextWithLineBreaksAsSpaces()
    {
        var tokenizer = MiniLMTokenizer.Create();
        using var vocabulary = MiniLMModel.OpenVocabulary();
        var standard = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });

        foreach (var text in Texts)
        {
            var spaced = new string([.. text.Select(c => c is '\n' or '\r' or '\t' or '\v' or '\f' ? ' ' : c)]);
            Assert.Equal(standard.EncodeToIds(spaced, addSpecialTokens: false), tokenizer.EncodeToIds(text, addSpecialTokens: false));
            Assert.Equal(standard.EncodeToIds(spaced.AsSpan(), addSpecialTokens: false), tokenizer.EncodeToIds(text.AsSpan(), addSpecialTokens: false));
            Assert.Equal(standard.EncodeToIds(spaced, 40, addSpecialTokens: false, out _, out _), tokenizer.EncodeToIds(text, 40, addSpecialTokens: false, out _, out _));
            Assert.Equal(standard.CountTokens(spaced), tokenizer.CountTokens(text));
        }
    }

    [Fact]
    public void Create_ReadsTheVocabularyOnce_AllocatesAboutOneTokenizer()
    {
        // It built the standard tokenizer (the whole vocabulary) only to take its normalizer, then built it again.
        MiniLMTokenizer.Create();
        var one = Allocated(() =>
        {
            using var vocabulary = MiniLMModel.OpenVocabulary();
            BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
        });

        var created = Allocated(() => MiniLMTokenizer.Create());

        Assert.True(created < one * 1.2, $"MiniLMTokenizer.Create allocated {created:N0} bytes; one BertTokenizer {one:N0}.");
    }

    [Fact]
    public void Normalizer_TextWithoutLineBreaks_NoCopyBesidesTheStandardNormalizers()
    {
        var normalizer = MiniLMTokenizer.Create().Normalizer!;
        using var vocabulary = MiniLMModel.OpenVocabulary();
        var standard = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true }).Normalizer!;
        var text = string.Concat(Enumerable.Repeat("A sentence without any line break, about pooling and savepoints. ", 40));
        Assert.Equal(standard.Normalize(text), normalizer.Normalize(text));
        Assert.Equal(standard.Normalize(text.AsSpan()), normalizer.Normalize(text.AsSpan()));

        var expected = Allocated(() => standard.Normalize(text));
        var actual = Allocated(() => normalizer.Normalize(text));
        var actualSpan = Allocated(() => normalizer.Normalize(text.AsSpan()));

        // Each copy of this text is about 5 KB; the standard normalizer's own work is the baseline.
        Assert.True(actual <= expected + 256, $"{actual:N0} bytes allocated; the standard normalizer alone {expected:N0}.");
        Assert.True(actualSpan <= Allocated(() => standard.Normalize(text.AsSpan())) + 256, $"{actualSpan:N0} bytes allocated (span).");
    }

    private static long Allocated(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
