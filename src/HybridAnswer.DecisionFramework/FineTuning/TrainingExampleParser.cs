using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Checks one JSONL line against the OpenAI chat fine-tuning format and, when it has no errors, builds the
/// <see cref="TrainingExample"/>. The reader (strict) and the validator (reports everything) share it so they never disagree.
/// </summary>
internal static class TrainingExampleParser
{
    // Top-level keys the chat format defines: the conversation, and the tool/function definitions it may use.
    private static readonly FrozenSet<string> ExampleKeys = new[] { "messages", "tools", "functions", "parallel_tool_calls" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> MessageKeys = new[] { "role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call" }.ToFrozenSet(StringComparer.Ordinal);

    public static TrainingExample? Parse(string line, int lineNumber, ICollection<FineTuningIssue> issues)
    {
        var errorsBefore = CountErrors(issues);
        if (string.IsNullOrWhiteSpace(line))
        {
            Error(issues, lineNumber, FineTuningIssueCodes.EmptyLine, "the line is empty; every line must hold one example.");
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            Error(issues, lineNumber, FineTuningIssueCodes.InvalidJson, $"not valid JSON ({e.Message.Split(" LineNumber", 2)[0].TrimEnd('.', ' ')}).");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error(issues, lineNumber, FineTuningIssueCodes.NotAnObject, $"the line is a JSON {Kind(root)}, not an object like {{\"messages\": [...]}}.");
                return null;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!ExampleKeys.Contains(property.Name))
                {
                    Error(issues, lineNumber, FineTuningIssueCodes.UnknownKey, $"unknown key '{property.Name}' (an example may have messages, tools, functions, parallel_tool_calls).");
                }
            }

            if (!root.TryGetProperty("messages", out var messagesElement))
            {
                Error(issues, lineNumber, FineTuningIssueCodes.MissingMessages, "no 'messages' array.");
                return null;
            }

            if (messagesElement.ValueKind != JsonValueKind.Array || messagesElement.GetArrayLength() == 0)
            {
                Error(issues, lineNumber, FineTuningIssueCodes.MissingMessages, messagesElement.ValueKind == JsonValueKind.Array
                    ? "'messages' is empty."
                    : $"'messages' is a JSON {Kind(messagesElement)}, not an array.");
                return null;
            }

            var messages = new List<TrainingMessage>();
            var index = 0;
            foreach (var item in messagesElement.EnumerateArray())
            {
                index++;
                if (ParseMessage(item, index, lineNumber, issues) is { } message)
                {
                    messages.Add(message);
                }
            }

            if (messages.Count == index)
            {
                if (!messages.Any(m => m.Role == TrainingRole.Assistant))
                {
                    Error(issues, lineNumber, FineTuningIssueCodes.NoAssistantMessage, "no assistant message: there is nothing to learn from this example.");
                }
                else if (messages[^1].Role != TrainingRole.Assistant)
                {
                    Error(issues, lineNumber, FineTuningIssueCodes.LastMessageNotAssistant, $"the last message is a {Name(messages[^1].Role)} message; it must be the assistant's.");
                }
            }

            return CountErrors(issues) == errorsBefore ? new TrainingExample(messages) : null;
        }
    }

    private static TrainingMessage? ParseMessage(JsonElement item, int index, int lineNumber, ICollection<FineTuningIssue> issues)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"message {index}");
        if (item.ValueKind != JsonValueKind.Object)
        {
            Error(issues, lineNumber, FineTuningIssueCodes.MessageNotAnObject, $"{where} is a JSON {Kind(item)}, not an object with role and content.");
            return null;
        }

        var ok = true;
        foreach (var property in item.EnumerateObject())
        {
            if (!MessageKeys.Contains(property.Name))
            {
                Error(issues, lineNumber, FineTuningIssueCodes.UnknownKey, $"{where} has unknown key '{property.Name}' (a message may have role, content, name, weight, tool_calls, tool_call_id, function_call).");
                ok = false;
            }
        }

        TrainingRole? role = null;
        if (!item.TryGetProperty("role", out var roleElement))
        {
            Error(issues, lineNumber, FineTuningIssueCodes.InvalidRole, $"{where} has no 'role'.");
            ok = false;
        }
        else if (roleElement.ValueKind != JsonValueKind.String || ParseRole(roleElement.GetString()) is not { } parsed)
        {
            Error(issues, lineNumber, FineTuningIssueCodes.InvalidRole, $"{where} has role {roleElement.GetRawText()}; expected \"system\", \"user\", \"assistant\" or \"tool\".");
            ok = false;
        }
        else
        {
            role = parsed;
        }

        JsonElement? toolCalls = item.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null ? calls.Clone() : null;
        string? content = null;
        if (!item.TryGetProperty("content", out var contentElement) || contentElement.ValueKind == JsonValueKind.Null)
        {
            // An assistant turn that only calls tools has no text; every other message must have some.
            if (!(role == TrainingRole.Assistant && toolCalls is not null))
            {
                Error(issues, lineNumber, FineTuningIssueCodes.InvalidContent, $"{where} has no 'content'.");
                ok = false;
            }
        }
        else if (contentElement.ValueKind != JsonValueKind.String)
        {
            Error(issues, lineNumber, FineTuningIssueCodes.InvalidContent, $"{where} has 'content' that is a JSON {Kind(contentElement)}; it must be a string.");
            ok = false;
        }
        else
        {
            content = contentElement.GetString();
        }

        int? weight = null;
        if (item.TryGetProperty("weight", out var weightElement))
        {
            if (weightElement.ValueKind != JsonValueKind.Number || !weightElement.TryGetDecimal(out var w) || (w != 0 && w != 1))
            {
                Error(issues, lineNumber, FineTuningIssueCodes.InvalidWeight, $"{where} has weight {weightElement.GetRawText()}; a weight must be 0 or 1.");
                ok = false;
            }
            else if (role is { } r && r != TrainingRole.Assistant)
            {
                Error(issues, lineNumber, FineTuningIssueCodes.InvalidWeight, $"{where} is a {Name(r)} message with a weight; only assistant messages may have one.");
                ok = false;
            }
            else
            {
                weight = (int)w;
            }
        }

        if (!ok || role is null)
        {
            return null;
        }

        return new TrainingMessage
        {
            Role = role.Value,
            Content = content,
            Weight = weight,
            Name = item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            ToolCallId = item.TryGetProperty("tool_call_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            ToolCalls = toolCalls,
        };
    }

    internal static TrainingRole? ParseRole(string? role) => role switch
    {
        "system" => TrainingRole.System,
        "user" => TrainingRole.User,
        "assistant" => TrainingRole.Assistant,
        "tool" => TrainingRole.Tool,
        _ => null,
    };

    internal static string Name(TrainingRole role) => role switch
    {
        TrainingRole.System => "system",
        TrainingRole.User => "user",
        TrainingRole.Assistant => "assistant",
        TrainingRole.Tool => "tool",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    private static int CountErrors(ICollection<FineTuningIssue> issues) => issues.Count(i => i.Severity == FineTuningIssueSeverity.Error);

    private static void Error(ICollection<FineTuningIssue> issues, int line, string code, string message) =>
        issues.Add(new FineTuningIssue { Line = line, Severity = FineTuningIssueSeverity.Error, Code = code, Message = message });
}
