using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Reads and writes chat fine-tuning data in the OpenAI chat format: one <c>{"messages": [...]}</c> object per line (JSONL, UTF-8).
/// Reading is strict: the first line that breaks the format throws, naming the line. Use <see cref="FineTuningValidator"/>
/// to list every problem of a file instead.
/// </summary>
public static class TrainingJsonl
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // JSONL is data, not HTML: keep accented and other non-ASCII BMP text readable instead of \u-escaping it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Serializes one example as a single JSONL line (no line break).</summary>
    /// <param name="example">The example.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(TrainingExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("messages");
            foreach (var message in example.Messages)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Parses one JSONL line.</summary>
    /// <param name="line">The line.</param>
    /// <returns>The example.</returns>
    /// <exception cref="InvalidDataException">The line breaks the chat format; the message says how.</exception>
    public static TrainingExample Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return ParseLine(line, 1, withLineNumber: false);
    }

    /// <summary>Reads every example from a reader, one per line.</summary>
    /// <param name="reader">The JSONL text.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The examples, in file order.</returns>
    /// <exception cref="InvalidDataException">A line breaks the chat format; the message names the line.</exception>
    public static async IAsyncEnumerable<TrainingExample> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            yield return ParseLine(line, lineNumber, withLineNumber: true);
        }
    }

    /// <summary>Reads every example of a JSONL file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The examples, in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line breaks the chat format; the message names the file and the line.</exception>
    public static async Task<IReadOnlyList<TrainingExample>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, Utf8NoBom, detectEncodingFromByteOrderMarks: true);
        var examples = new List<TrainingExample>();
        try
        {
            await foreach (var example in ReadAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                examples.Add(example);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' {e.Message}", e);
        }

        return examples;
    }

    /// <summary>Writes examples, one line each, every line ending with <c>\n</c>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="examples">The examples.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many examples were written.</returns>
    public static async Task<int> WriteAsync(TextWriter writer, IEnumerable<TrainingExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(examples);
        var count = 0;
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(Serialize(example).AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            count++;
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>Writes examples to a JSONL file (UTF-8 without BOM), replacing it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="examples">The examples.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many examples were written.</returns>
    public static async Task<int> WriteFileAsync(string path, IEnumerable<TrainingExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var writer = new StreamWriter(path, append: false, Utf8NoBom);
        await using (writer.ConfigureAwait(false))
        {
            return await WriteAsync(writer, examples, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TrainingExample ParseLine(string line, int lineNumber, bool withLineNumber)
    {
        var issues = new List<FineTuningIssue>();
        if (TrainingExampleParser.Parse(line, lineNumber, issues) is { } example)
        {
            return example;
        }

        var first = issues.First(i => i.Severity == FineTuningIssueSeverity.Error);
        throw new InvalidDataException(withLineNumber ? $"line {lineNumber}: {first.Message}" : first.Message);
    }

    private static void WriteMessage(Utf8JsonWriter writer, TrainingMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role", TrainingExampleParser.Name(message.Role));
        if (message.Content is null)
        {
            writer.WriteNull("content");
        }
        else
        {
            writer.WriteString("content", message.Content);
        }

        if (message.Name is not null)
        {
            writer.WriteString("name", message.Name);
        }

        if (message.ToolCallId is not null)
        {
            writer.WriteString("tool_call_id", message.ToolCallId);
        }

        if (message.ToolCalls is { } calls)
        {
            writer.WritePropertyName("tool_calls");
            calls.WriteTo(writer);
        }

        if (message.Weight is { } weight)
        {
            writer.WriteNumber("weight", weight);
        }

        writer.WriteEndObject();
    }
}
