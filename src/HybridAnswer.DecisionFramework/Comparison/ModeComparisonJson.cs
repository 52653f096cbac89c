using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridAnswer.Evaluation;

/// <summary>
/// The JSON form of a <see cref="ModeComparison"/> (<c>hybrid-answer compare --json</c>): one entry per mode under
/// <c>modes</c> with camelCase metric names, modes written as <c>rag</c>, <c>finetuned</c>, <c>hybrid</c>. Saved, it is the
/// baseline a later run is gated against (<see cref="ComparisonGate"/>).
/// </summary>
public static class ModeComparisonJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        Converters = { new ModeConverter() },
    };

    /// <summary>Gets the name a mode has in the JSON and on the command line: <c>rag</c>, <c>finetuned</c> or <c>hybrid</c>.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>Its lower-case name.</returns>
    public static string ModeName(AnswerMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>Parses a mode name (<c>rag</c>, <c>finetuned</c> or <c>fine-tuned</c>, <c>hybrid</c>; any case).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The mode, or <see langword="null"/> when the name is not one.</returns>
    public static AnswerMode? ParseMode(string? name) => name?.Trim().Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "rag" => AnswerMode.Rag,
        "finetuned" => AnswerMode.FineTuned,
        "hybrid" => AnswerMode.Hybrid,
        _ => null,
    };

    /// <summary>Writes a comparison as JSON.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <returns>Indented JSON.</returns>
    public static string Serialize(ModeComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return JsonSerializer.Serialize(comparison, Options);
    }

    /// <summary>Reads a comparison written by <see cref="Serialize"/> (a baseline).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="FormatException">The text is not a comparison: not JSON, no <c>modes</c>, or an unknown mode.</exception>
    public static ModeComparison Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var comparison = JsonSerializer.Deserialize<ModeComparison>(json, Options);
            return comparison?.Modes is null ? throw new FormatException("The JSON is not the output of compare --json: it has no \"modes\" array.") : comparison;
        }
        catch (JsonException e)
        {
            throw new FormatException($"The JSON is not the output of compare --json: {e.Message}", e);
        }
    }

    private sealed class ModeConverter : JsonConverter<AnswerMode>
    {
        public override AnswerMode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ParseMode(reader.GetString()) ?? throw new JsonException($"Unknown mode '{reader.GetString()}': use rag, finetuned or hybrid.");

        public override void Write(Utf8JsonWriter writer, AnswerMode value, JsonSerializerOptions options) => writer.WriteStringValue(ModeName(value));
    }
}
