using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HybridAnswer.PgVector;

/// <summary>
/// Metadata as <c>jsonb</c> and filters as <c>jsonpath</c>. One object holds both kinds of metadata: a single value as a JSON
/// string, a multi-valued field as an array of strings (a key is never both: the core rejects a document that has it in both).
/// </summary>
internal static class PgVectorJson
{
    /// <summary>The metadata column of a document: its single-valued and multi-valued metadata in one object.</summary>
    public static string SerializeMetadata(KnowledgeDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in document.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            foreach (var (key, values) in document.MultiValuedMetadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteStartArray(key);
                foreach (var value in values)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a metadata column back: strings are single values, arrays are multi-valued fields.</summary>
    public static (Dictionary<string, string> Metadata, Dictionary<string, IReadOnlyList<string>> MultiValued) DeserializeMetadata(string json)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var multiValued = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                multiValued[property.Name] = [.. property.Value.EnumerateArray().Select(v => v.GetString()!)];
            }
            else
            {
                metadata[property.Name] = property.Value.GetString()!;
            }
        }

        return (metadata, multiValued);
    }

    /// <summary>
    /// The filter as a <c>jsonpath</c> predicate for <c>metadata @@ $filter</c>: <c>$."k" == "v"</c> per key, ANDed, keys in
    /// ordinal order (the text is also the key of the cached row counts). In lax mode (the default) <c>$."k"</c> unwraps an array,
    /// so the condition matches a single value equal to <c>v</c> or a list containing it — containment (<c>@&gt;</c>) cannot, it needs
    /// the filter to be an array where the document has one. The <c>jsonb_path_ops</c> GIN index serves <c>@@</c> as it serves
    /// <c>@&gt;</c> (equality paths; array elements hash like single values). No filter is <c>true</c>.
    /// </summary>
    public static string FilterPath(IReadOnlyDictionary<string, string> filter)
    {
        if (filter.Count == 0)
        {
            return "true";
        }

        var path = new StringBuilder();
        foreach (var (key, value) in filter.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            path.Append(path.Length == 0 ? "$." : " && $.");
            AppendString(path, key);
            path.Append(" == ");
            AppendString(path, value);
        }

        return path.ToString();
    }

    /// <summary>Tenants are stored as text NOT NULL (part of the primary key): no tenant is the empty string.</summary>
    public static string Tenant(string? tenantId) => tenantId ?? string.Empty;

    /// <summary>A jsonpath string literal: the text travels as a parameter, but inside it only <c>"</c>, <c>\</c> and controls need escaping.</summary>
    private static void AppendString(StringBuilder path, string text)
    {
        path.Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => path.Append("\\\""),
                '\\' => path.Append("\\\\"),
                < ' ' => path.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => path.Append(c),
            };
        }

        path.Append('"');
    }
}
