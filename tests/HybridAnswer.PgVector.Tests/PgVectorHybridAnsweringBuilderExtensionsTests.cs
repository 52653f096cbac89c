using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.PgVector.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PgVectorHybridAnsweringBuilderExtensionsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task UsePgVector_ConnectionString_AnswersFromIngestedDocuments()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector(dataSource.ConnectionString, o => o.Table = "help");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();
        Assert.IsType<PgVectorKnowledgeBase>(knowledgeBase);
        Assert.Same(knowledgeBase, provider.GetRequiredService<IRetriever>());
        var documents = await KnowledgeDocumentLoader.LoadDirectoryAsync(SamplesDirectory());
        Assert.Equal(documents.Count, (await knowledgeBase.UpsertAsync(documents)).Added);

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How long is the motor warranty of the KB-450 blender?");

        Assert.True(answer.Answered);
        Assert.Contains("8-year", answer.Text, StringComparison.Ordinal);
        Assert.Contains(answer.Citations, c => c.DocumentId == "policies/warranty" || c.DocumentId == "products/kb-450-blender");
    }

    [Fact]
    public async Task UsePgVector_RegisteredDataSource_IsPickedUpAndNotDisposedByTheContainer()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddSingleton(dataSource); // an instance registration: the host owns it
        services.AddHybridAnswering().UsePgVector();
        await using (var provider = services.BuildServiceProvider())
        {
            var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();
            await knowledgeBase.UpsertAsync([new KnowledgeDocument("a", "A", "Alpha text.")]);
        }

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM hybridanswer_chunks");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task UsePgVector_KeyedDataSourceAndKeyedEmbedder_UsesBothAndCreatesTheTableWithTheEmbeddersDimensions()
    {
        // The way .NET Aspire registers them: AddKeyedNpgsqlDataSource("db") and a keyed embedding generator.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var embedder = new TestEmbedder(24, text => [.. Enumerable.Range(0, 24).Select(i => (float)((text.Length + i) % 7) + 1)]);
        var services = new ServiceCollection();
        services.AddKeyedSingleton("db", dataSource);
        services.AddKeyedEmbeddingGenerator("embeddings", embedder);
        services.AddHybridAnswering().UseEmbeddingGenerator(serviceKey: "embeddings").UsePgVector(serviceKey: "db");
        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }))
        {
            await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync();
            await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([new KnowledgeDocument("a", "A", "Alpha text.")]);
        }

        Assert.True(embedder.Calls > 0);
        await using var command = dataSource.CreateCommand(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hybridanswer_chunks'::regclass AND attname = 'embedding'");
        Assert.Equal("vector(24)", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task UsePgVector_OnlyAKeyedDataSource_FailsNamingTheKey()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var services = new ServiceCollection();
        services.AddKeyedSingleton("db", dataSource);
        services.AddHybridAnswering().UsePgVector();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IKnowledgeBase>());

        Assert.Contains("UsePgVector(serviceKey: \"db\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePgVector_InvalidOptions_FailValidationNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector("Host=127.0.0.1;Port=1", o => o.HnswEfConstruction = 10);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value);

        Assert.Contains("HnswEfConstruction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePgVector_MalformedConnectionString_ArgumentExceptionWithoutEchoingIt()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector("Host=127.0.0.1;Password=secret;Bogus Keyword=1");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IKnowledgeBase>());

        Assert.Contains("connection string is malformed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    internal static string SamplesDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found."), "docs", "samples");
    }
}
