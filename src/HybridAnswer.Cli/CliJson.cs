using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridAnswer.Cli;

/// <summary>
/// JSON settings shared by every <c>--json</c> output (ask, eval, finetune, costs, advise): camelCase names and enums as
/// their names (<c>"mode": "Rag"</c>, <c>"noAnswerReason": "NoRelevantSources"</c>), never numbers, so a web client or a
/// script can read them without the library's enum table.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);
}
