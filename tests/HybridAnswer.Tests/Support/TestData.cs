namespace HybridAnswer.Tests;

internal static class TestData
{
    public static string Helpdesk => Path.Combine(AppContext.BaseDirectory, "TestData", "helpdesk");

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "samples");

    public static KnowledgeDocument Doc(string id, string content, string? status = null, string? tenant = null)
    {
        var metadata = new Dictionary<string, string>();
        if (status is not null)
        {
            metadata["status"] = status;
        }

        return new KnowledgeDocument(id, id, content) { Metadata = metadata, TenantId = tenant };
    }
}
