using System.Text.Json;

namespace HybridAnswer.PgVector;

/// <summary>Metadata and filters as <c>jsonb</c> text: the stored metadata and the containment filter must serialise alike.</summary>
internal static class PgVectorJson
{
    private static readonly JsonSerializerOptions Options = new();

    public static string Serialize(IReadOnlyDictionary<string, string> values) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(values, StringComparer.Ordinal), Options);

    public static Dictionary<string, string> Deserialize(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json, Options) ?? [];

    /// <summary>Tenants are stored as text NOT NULL (part of the primary key): no tenant is the empty string.</summary>
    public static string Tenant(string? tenantId) => tenantId ?? string.Empty;
}
