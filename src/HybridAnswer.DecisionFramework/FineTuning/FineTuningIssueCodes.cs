namespace HybridAnswer.FineTuning;

/// <summary>The codes of <see cref="FineTuningIssue"/>, one per validation rule.</summary>
public static class FineTuningIssueCodes
{
    /// <summary>A line is not valid JSON.</summary>
    public const string InvalidJson = "invalid-json";

    /// <summary>A line is empty or whitespace.</summary>
    public const string EmptyLine = "empty-line";

    /// <summary>A line's JSON is not an object.</summary>
    public const string NotAnObject = "not-an-object";

    /// <summary>An example has no <c>messages</c> array (missing, not an array, or empty).</summary>
    public const string MissingMessages = "missing-messages";

    /// <summary>An item of <c>messages</c> is not an object.</summary>
    public const string MessageNotAnObject = "message-not-an-object";

    /// <summary>A message has no <c>role</c>, or one outside system, user, assistant and tool.</summary>
    public const string InvalidRole = "invalid-role";

    /// <summary>A message has no <c>content</c>, or content that is not a string.</summary>
    public const string InvalidContent = "invalid-content";

    /// <summary>An example or message has a key the chat format does not define.</summary>
    public const string UnknownKey = "unknown-key";

    /// <summary>An example has no assistant message.</summary>
    public const string NoAssistantMessage = "no-assistant-message";

    /// <summary>An example's last message is not an assistant's.</summary>
    public const string LastMessageNotAssistant = "last-message-not-assistant";

    /// <summary>A <c>weight</c> is not 0 or 1, or is on a message that is not an assistant's.</summary>
    public const string InvalidWeight = "invalid-weight";

    /// <summary>An example is longer than the model's per-example token limit (it would be truncated).</summary>
    public const string TooManyTokens = "too-many-tokens";

    /// <summary>The file has fewer examples than the fine-tuning service accepts (10).</summary>
    public const string TooFewExamples = "too-few-examples";

    /// <summary>The file has fewer examples than the framework's threshold for fine-tuning well (500).</summary>
    public const string FewExamples = "few-examples";

    /// <summary>An example repeats an earlier one.</summary>
    public const string DuplicateExample = "duplicate-example";

    /// <summary>An assistant answer states facts that live in the knowledge base; baked into weights, they go stale.</summary>
    public const string KnowledgeLeakage = "knowledge-leakage";

    /// <summary>The validation split is empty or too small to say anything (a warning).</summary>
    public const string SmallValidationSet = "small-validation-set";
}
