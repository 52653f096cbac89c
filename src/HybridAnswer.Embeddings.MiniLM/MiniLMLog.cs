using Microsoft.Extensions.Logging;

namespace HybridAnswer.Embeddings.MiniLM;

internal static partial class MiniLMLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "MiniLM: {Count} of {Total} inputs were longer than {MaxTokens} word pieces and were truncated (only their beginning is embedded). The knowledge pipeline sizes chunks to fit: a truncated input is a long question, or a text embedded directly.")]
    public static partial void Truncated(ILogger logger, int count, int total, int maxTokens);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "MiniLM: model loaded in {Milliseconds} ms with {Threads} threads.")]
    public static partial void Loaded(ILogger logger, long milliseconds, int threads);
}
