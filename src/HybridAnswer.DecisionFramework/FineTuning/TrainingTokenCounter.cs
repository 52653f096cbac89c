using Microsoft.ML.Tokenizers;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Counts the tokens of a chat example the way OpenAI's fine-tuning cookbook does: the o200k_base encoding of the
/// gpt-4o and gpt-4.1 families (Microsoft.ML.Tokenizers with its offline data package), 3 tokens of framing per message,
/// 1 more for a name, 3 to prime the reply. If the encoding cannot be loaded, falls back to a documented approximation
/// (one token per 4 characters, rounded up) and says so in <see cref="Encoding"/>.
/// </summary>
internal sealed class TrainingTokenCounter
{
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int TokensPerReply = 3;

    private static readonly Lazy<TrainingTokenCounter> Shared = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Tokenizer? _tokenizer;

    private TrainingTokenCounter(Tokenizer? tokenizer) => _tokenizer = tokenizer;

    public static TrainingTokenCounter Default => Shared.Value;

    /// <summary>Gets the encoding used: <c>o200k_base</c>, or <c>approximate (chars/4)</c>.</summary>
    public string Encoding => _tokenizer is null ? "approximate (chars/4)" : "o200k_base";

    public static TrainingTokenCounter Approximate { get; } = new(null);

    public int Count(string text) =>
        text.Length == 0 ? 0 : _tokenizer?.CountTokens(text) ?? (text.Length + 3) / 4;

    public int Count(TrainingExample example)
    {
        var total = TokensPerReply;
        foreach (var message in example.Messages)
        {
            total += TokensPerMessage + Count(TrainingExampleParser.Name(message.Role)) + Count(message.Content ?? string.Empty);
            if (message.Name is { } name)
            {
                total += TokensPerName + Count(name);
            }

            if (message.ToolCalls is { } calls)
            {
                total += Count(calls.GetRawText());
            }

            if (message.ToolCallId is { } id)
            {
                total += Count(id);
            }
        }

        return total;
    }

    private static TrainingTokenCounter Create()
    {
        try
        {
            return new TrainingTokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"));
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or IOException or ArgumentException or TypeLoadException)
        {
            return Approximate;
        }
    }
}
