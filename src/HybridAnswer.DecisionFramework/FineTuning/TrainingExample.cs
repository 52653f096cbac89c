namespace HybridAnswer.FineTuning;

/// <summary>One chat fine-tuning example: a conversation whose assistant turns the model learns (one JSONL line, <c>{"messages": [...]}</c>).</summary>
public sealed record TrainingExample
{
    /// <summary>Initializes a new example.</summary>
    /// <param name="messages">The conversation, in order.</param>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty.</exception>
    public TrainingExample(IReadOnlyList<TrainingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw new ArgumentException("A training example needs at least one message.", nameof(messages));
        }

        Messages = messages;
    }

    /// <summary>Gets the conversation, in order.</summary>
    public IReadOnlyList<TrainingMessage> Messages { get; }

}
