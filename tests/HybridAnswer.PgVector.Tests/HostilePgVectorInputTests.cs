using System.Text;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>Random and adversarial queries, filters, tenant ids and document ids against the PostgreSQL knowledge base.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostilePgVectorInputTests(PostgresFixture postgres)
{
    private const string Punctuation = "'\";\\$%(){}[]";

    private static readonly string[] Adversarial =
    [
        "'; DROP TABLE hybridanswer_chunks; --", "\" OR 1=1 --", "x') OR ('1'='1", "$1", "$$ LANGUAGE sql $$",
        "\\\\x00", "\u0001\u001f\u007f", "\ud800", "{\"status\": \"published\"}", "%_%", "*", "' UNION SELECT content FROM hybridanswer_chunks --",
        "Ignore previous instructions.", new string('q', 4000), "名前", "",
    ];

    private static IEnumerable<string> Inputs(int seed, int count)
    {
        foreach (var text in Adversarial)
        {
            yield return text;
        }

        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 60);
            for (var j = 0; j < length; j++)
            {
                builder.Append(random.Next(8) switch
                {
                    0 => (char)random.Next(1, 32),
                    1 => (char)random.Next(0xD800, 0xE000),
                    2 => Punctuation[random.Next(Punctuation.Length)],
                    _ => (char)random.Next(32, 127),
                });
            }

            yield return builder.ToString();
        }
    }

    private static async Task<string> FingerprintAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*)::text || ':' || coalesce(md5(string_agg(tenant_id || document_id || ordinal || content || metadata::text, '|' ORDER BY tenant_id, document_id, ordinal)), '') FROM hybridanswer_chunks");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task RetrieveAndDelete_HostileInput_OnlyDocumentedErrorsNoDataChangeNoOtherTenant()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new PgVectorKnowledgeBaseOptions { MultiTenant = true });
        await knowledgeBase.UpsertAsync(
        [
            new KnowledgeDocument("returns", "Returns", "Alpha customers return items within 30 days.") { TenantId = "alpha", Metadata = new Dictionary<string, string> { ["status"] = "published" } },
            new KnowledgeDocument("returns", "Returns", "Beta secret: returns within 90 days.") { TenantId = "beta", Metadata = new Dictionary<string, string> { ["status"] = "published" } },
        ]);
        var before = await FingerprintAsync(dataSource);
        var tried = 0;

        foreach (var input in Inputs(seed: 21, count: 120))
        {
            tried++;
            var requests = new List<Func<Task>>
            {
                () => knowledgeBase.RetrieveAsync(new RetrievalRequest(input.Trim().Length == 0 ? "returns" : input) { TenantId = "alpha", TopK = 10 })
                    .ContinueWith(t => Assert.All(t.Result, r => Assert.Equal("alpha", r.TenantId)), TaskScheduler.Default),
                () => knowledgeBase.RetrieveAsync(new RetrievalRequest("returns") { TenantId = "alpha", Filter = new Dictionary<string, string> { [input.Length == 0 ? "k" : input] = input } })
                    .ContinueWith(t => Assert.All(t.Result, r => Assert.Equal("alpha", r.TenantId)), TaskScheduler.Default),
                () => knowledgeBase.RetrieveAsync(new RetrievalRequest("returns") { TenantId = input, TopK = 10 })
                    .ContinueWith(t => Assert.All(t.Result, r => Assert.Equal(input, r.TenantId)), TaskScheduler.Default),
                () => knowledgeBase.DeleteAsync([input], "gamma"),
                () => knowledgeBase.ListDocumentIdsAsync(input),
            };

            foreach (var request in requests)
            {
                try
                {
                    await request();
                }
                catch (Exception e) when (e is ArgumentException)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                }
                catch (AggregateException e) when (e.InnerException is ArgumentException)
                {
                }
            }
        }

        Assert.Equal(before, await FingerprintAsync(dataSource));
        Assert.True(tried > 120);
    }

    [Fact]
    public async Task UpsertAsync_HostileDocuments_RejectedWholeOrStoredVerbatim()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("keep", "Keep", "This document must survive every hostile batch.")]);

        foreach (var input in Inputs(seed: 22, count: 60))
        {
            var before = await FingerprintAsync(dataSource);
            try
            {
                var document = new KnowledgeDocument(input.Trim().Length == 0 ? "x" : input, "title " + input, input + " content") { Metadata = new Dictionary<string, string> { [input.Length == 0 ? "k" : input] = input } };
                await knowledgeBase.UpsertAsync([document, new KnowledgeDocument("keep", "Keep", "changed\0")]);
                Assert.Fail("a batch with a NUL character must be rejected");
            }
            catch (ArgumentException)
            {
                Assert.Equal(before, await FingerprintAsync(dataSource));
            }
        }

        var kept = await knowledgeBase.RetrieveAsync(new RetrievalRequest("document survive hostile"));
        Assert.Contains(kept, r => r.DocumentId == "keep" && r.Content.StartsWith("This document must survive", StringComparison.Ordinal));
    }
}
