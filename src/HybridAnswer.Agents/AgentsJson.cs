using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridAnswer.Agents;

/// <summary>Source-generated JSON for the state kept in an agent session (no reflection, trimming-safe).</summary>
[JsonSerializable(typeof(TurnState))]
internal sealed partial class AgentsJson : JsonSerializerContext
{
    /// <summary>The options for <see cref="Microsoft.Agents.AI.AgentSessionStateBag"/>.</summary>
    public static JsonSerializerOptions StateOptions => Default.Options;
}
