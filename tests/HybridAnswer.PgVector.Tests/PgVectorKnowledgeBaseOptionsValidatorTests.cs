using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.PgVector.Tests;

// No database: validation runs before anything connects.
public sealed class PgVectorKnowledgeBaseOptionsValidatorTests
{
    private static IReadOnlyList<string> Failures(PgVectorKnowledgeBaseOptions options) =>
        new PgVectorKnowledgeBaseOptionsValidator().Validate(Options.DefaultName, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.Empty(Failures(new PgVectorKnowledgeBaseOptions()));
    }

    [Fact]
    public void Validate_OutOfRange_NamesTheConfigurationKeyBoundsAndValue()
    {
        var failure = Assert.Single(Failures(new PgVectorKnowledgeBaseOptions { RrfK = 0 }));

        Assert.Equal("HybridAnswering:PgVector:RrfK must be between 1 and 1000 (was 0).", failure);
    }

    [Fact]
    public void Validate_EmptyRequiredTable_NamesTheConfigurationKey()
    {
        var failure = Assert.Single(Failures(new PgVectorKnowledgeBaseOptions { Table = "" }));

        Assert.Equal("HybridAnswering:PgVector:Table is required (was empty).", failure);
    }

    [Fact]
    public void Validate_NotAnIdentifier_NamesTheConfigurationKeyAndValue()
    {
        var failure = Assert.Single(Failures(new PgVectorKnowledgeBaseOptions { Schema = "public; drop" }));

        Assert.StartsWith("HybridAnswering:PgVector:Schema must be a plain SQL identifier", failure, StringComparison.Ordinal);
        Assert.EndsWith("(was 'public; drop').", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chunks\n")]
    [InlineData("chunks\r\n")]
    [InlineData("\nchunks")]
    public void Validate_IdentifierWithANewline_Rejected(string table)
    {
        // Issue 23: "$" matches before a final newline, so "chunks\n" passed and created public."chunks\n".
        var failure = Assert.Single(Failures(new PgVectorKnowledgeBaseOptions { Table = table }));

        Assert.StartsWith("HybridAnswering:PgVector:Table must be a plain SQL identifier", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RulesAcrossOptionsAndEnums_NameEveryKey()
    {
        var failures = Failures(new PgVectorKnowledgeBaseOptions { HnswM = 16, HnswEfConstruction = 20, Distance = (PgVectorDistance)42 });

        Assert.Equal(
            [
                "HybridAnswering:PgVector:HnswEfConstruction must be at least twice HybridAnswering:PgVector:HnswM (16) (was 20).",
                $"HybridAnswering:PgVector:Distance must be one of {string.Join(", ", Enum.GetNames<PgVectorDistance>())} (was 42).",
            ],
            failures);
    }

    [Fact]
    public void Validate_Float32Over2000Dimensions_SaysFloat16TakesUpTo4000()
    {
        var failure = Assert.Single(Failures(new PgVectorKnowledgeBaseOptions { Dimensions = 3072 }));

        Assert.Equal(
            "HybridAnswering:PgVector:Dimensions is 3072, more than the 2,000 dimensions pgvector's HNSW index takes on vector (float32): set " +
            "HybridAnswering:PgVector:VectorStorage to Float16 (halfvec, up to 4,000 dimensions), or use an embedding model with fewer dimensions.",
            failure);
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32, 2000, null)]
    [InlineData(PgVectorStorage.Float16, 3072, null)]
    [InlineData(PgVectorStorage.Float16, 4000, null)]
    [InlineData(PgVectorStorage.Float16, 4001, "HybridAnswering:PgVector:Dimensions must be between 1 and 4000 (was 4001).")]
    [InlineData((PgVectorStorage)7, 16, "HybridAnswering:PgVector:VectorStorage must be one of Float32, Float16 (was 7).")]
    public void Validate_DimensionsAndStorage_LimitOfEachStorage(PgVectorStorage storage, int dimensions, string? expected)
    {
        var failures = Failures(new PgVectorKnowledgeBaseOptions { VectorStorage = storage, Dimensions = dimensions });

        Assert.Equal(expected is null ? Array.Empty<string>() : new[] { expected }, failures);
    }

    [Fact]
    public void Constructor_EmbedderReportsMoreDimensionsThanFloat32Takes_ArgumentExceptionNamingTheOption()
    {
        using var dataSource = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");

        var error = Assert.Throws<ArgumentException>(() => new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(3072)));

        Assert.Equal("embedder", error.ParamName);
        Assert.StartsWith("The embedding generator's DefaultModelDimensions is 3072, more than the 2,000", error.Message, StringComparison.Ordinal);
        Assert.Contains("VectorStorage to Float16", error.Message, StringComparison.Ordinal);
        Assert.Equal(3072, new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(3072), new() { VectorStorage = PgVectorStorage.Float16 }).Dimensions);
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32, PgVectorDistance.Cosine, "vector(16)", "vector_cosine_ops")]
    [InlineData(PgVectorStorage.Float32, PgVectorDistance.InnerProduct, "vector(16)", "vector_ip_ops")]
    [InlineData(PgVectorStorage.Float16, PgVectorDistance.Cosine, "halfvec(16)", "halfvec_cosine_ops")]
    [InlineData(PgVectorStorage.Float16, PgVectorDistance.InnerProduct, "halfvec(16)", "halfvec_ip_ops")]
    [InlineData(PgVectorStorage.Float16, PgVectorDistance.L2, "halfvec(16)", "halfvec_l2_ops")]
    public void CreateSchemaScript_Storage_ColumnTypeAndOperatorClass(PgVectorStorage storage, PgVectorDistance distance, string column, string operatorClass)
    {
        var script = PgVectorKnowledgeBase.CreateSchemaScript(new PgVectorKnowledgeBaseOptions { Dimensions = 16, VectorStorage = storage, Distance = distance, TenantPartitions = 2 });

        Assert.Contains($"embedding    {column} NOT NULL", script, StringComparison.Ordinal);
        Assert.Equal(2, script.Split($"USING hnsw (embedding {operatorClass})").Length - 1); // version 1 and the partitioned table of version 2
        Assert.DoesNotContain(storage == PgVectorStorage.Float16 ? "vector_" : "halfvec", script, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePgVector_InvalidOptions_StartupFailureNamesTheConfigurationKey()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector("Host=127.0.0.1;Port=1", o => o.EfSearch = 0);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value);

        Assert.Equal("HybridAnswering:PgVector:EfSearch must be between 1 and 1000 (was 0).", Assert.Single(error.Failures));
    }
}
