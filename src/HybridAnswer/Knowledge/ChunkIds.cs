using System.Globalization;

namespace HybridAnswer;

/// <summary>Builds the stable chunk ids shared by every knowledge base: <c>documentId#ordinal</c>.</summary>
internal static class ChunkIds
{
    public static string Create(string documentId, int ordinal) => string.Create(CultureInfo.InvariantCulture, $"{documentId}#{ordinal}");
}
