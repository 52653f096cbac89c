using System.Text.Json;

namespace HybridAnswer.FineTuning;

/// <summary>One message of a chat fine-tuning example, as a line of OpenAI chat-format JSONL holds it.</summary>
public sealed record TrainingMessage
{
    /// <summary>Gets who wrote the message.</summary>
    public required TrainingRole Role { get; init; }

    /// <summary>Gets the text; <see langword="null"/> only for an assistant message that carries <see cref="ToolCalls"/>.</summary>
    public required string? Content { get; init; }

    /// <summary>Gets the training weight of an assistant message: 1 to learn from it, 0 to skip it; <see langword="null"/> when absent (learned).</summary>
    public int? Weight { get; init; }

    /// <summary>Gets the optional participant name (<c>"name"</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Gets the id of the tool call a <see cref="TrainingRole.Tool"/> message answers (<c>"tool_call_id"</c>).</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Gets the tool calls of an assistant message (<c>"tool_calls"</c>), kept verbatim so they round-trip.</summary>
    public JsonElement? ToolCalls { get; init; }

    /// <summary>Creates a system message.</summary>
    /// <param name="content">The instructions.</param>
    /// <returns>The message.</returns>
    public static TrainingMessage System(string content) => new() { Role = TrainingRole.System, Content = content };

    /// <summary>Creates a user message.</summary>
    /// <param name="content">The user's text.</param>
    /// <returns>The message.</returns>
    public static TrainingMessage User(string content) => new() { Role = TrainingRole.User, Content = content };

    /// <summary>Creates an assistant message.</summary>
    /// <param name="content">The answer to learn.</param>
    /// <returns>The message.</returns>
    public static TrainingMessage Assistant(string content) => new() { Role = TrainingRole.Assistant, Content = content };
}
