using System.Text.Json.Serialization;

namespace HybridAnswer.VectorData;

/// <summary>A document's metadata as stored in <see cref="KnowledgeChunkRecord.MetadataJson"/>.</summary>
internal sealed record ChunkMetadata(Dictionary<string, string> Single, Dictionary<string, List<string>> Multi);

/// <summary>Source-generated JSON for <see cref="ChunkMetadata"/>.</summary>
[JsonSerializable(typeof(ChunkMetadata))]
internal sealed partial class ChunkMetadataJson : JsonSerializerContext;
