using System.Globalization;

namespace HybridAnswer.StoreConformance;

/// <summary>The documents the suites ingest: small hand-written sets whose answers are known, and seeded random corpora.</summary>
internal static class ConformanceDocuments
{
    /// <summary>Three manuals, two published and one draft.</summary>
    public static readonly KnowledgeDocument[] Manuals =
    [
        new("kettle", "EK-17 kettle", "# EK-17 kettle\n\nThe kettle boils 1.7 litres in four minutes. Descale it monthly with citric acid.") { Metadata = new Dictionary<string, string> { ["status"] = "published" } },
        new("blender", "KB-450 blender", "# KB-450 blender\n\nThe blender has a 1200 W motor and an 8-year motor warranty.") { Metadata = new Dictionary<string, string> { ["status"] = "published" } },
        new("draft", "Air fryer draft", "# AF-220 air fryer\n\nDraft: the air fryer basket holds 5.5 litres.") { Metadata = new Dictionary<string, string> { ["status"] = "draft" } },
    ];

    /// <summary>Three documents with scalar and list-valued metadata ("tags" is a list on two, a scalar on the third).</summary>
    public static readonly KnowledgeDocument[] Tagged =
    [
        new("refunds", "Refunds", "Refunds are paid back to the card within five days.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published" },
            MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing", "refunds"] },
        },
        new("invoices", "Invoices", "Every invoice and refund is listed under Billing.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "draft" },
            MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing"] },
        },
        new("shipping", "Shipping", "A refund for a lost parcel needs a tracking number.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published", ["tags"] = "billing-adjacent" },
        },
    ];

    public static readonly KnowledgeDocument Kettle = new("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes.");

    public static readonly string[] Vocabulary =
    [
        "refund", "shipping", "warranty", "blender", "kettle", "invoice", "password", "printer", "voucher", "delivery",
        "battery", "router", "laptop", "account", "loyalty", "points", "tier", "customs", "duties", "label",
    ];

    /// <summary>A document whose id is its title, with an optional status and tenant.</summary>
    public static KnowledgeDocument Doc(string id, string content, string? status = null, string? tenant = null) =>
        new(id, id, content) { Metadata = status is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["status"] = status }, TenantId = tenant };

    /// <summary>Seeded documents of twelve words of <see cref="Vocabulary"/> each, ids doc-0000 upwards.</summary>
    public static List<KnowledgeDocument> Random(int count, int seed, Func<int, string?>? status = null)
    {
        var random = new System.Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var words = Enumerable.Range(0, 12).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]);
            return Doc(string.Create(CultureInfo.InvariantCulture, $"doc-{i:D4}"), string.Join(' ', words) + ".", status?.Invoke(i));
        })];
    }

    /// <summary>Each chunk's content by chunk id: what the store holds, as its searches see it.</summary>
    public static async Task<Dictionary<string, string>> ContentsAsync(ConformanceStore store, string? tenantId = null) =>
        (await store.AllChunksAsync(tenantId)).ToDictionary(c => c.ChunkId, c => c.Content, StringComparer.Ordinal);
}
