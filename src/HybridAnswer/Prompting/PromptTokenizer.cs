using Microsoft.ML.Tokenizers;

namespace HybridAnswer;

/// <summary>
/// Counts prompt tokens with the o200k_base encoding (GPT-4o family) from the bundled data package, so counting works
/// offline. Other model families tokenize differently; the budget is an estimate for them, which is why
/// <see cref="PromptOptions.MaxPromptTokens"/> should leave some headroom below the real context window.
/// </summary>
internal static class PromptTokenizer
{
    // Per-message framing tokens of the chat format (role, separators), as OpenAI documents for its chat models.
    internal const int TokensPerMessage = 4;
    internal const int TokensPerPrompt = 3;

    private static readonly Lazy<Tokenizer> Instance = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Starts loading the encoding (about two seconds) in the background, so the first answer does not wait for it.</summary>
    public static void WarmUp() => _ = Task.Run(() => Instance.Value);

    public static int Count(string text) => text.Length == 0 ? 0 : Instance.Value.CountTokens(text);

    /// <summary>Returns the longest prefix of <paramref name="text"/> that is at most <paramref name="maxTokens"/> tokens.</summary>
    public static string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0)
        {
            return string.Empty;
        }

        var index = Instance.Value.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return text[..index];
    }
}
