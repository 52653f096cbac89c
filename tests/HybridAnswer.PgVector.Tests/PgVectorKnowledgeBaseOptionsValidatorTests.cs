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
    public void UsePgVector_InvalidOptions_StartupFailureNamesTheConfigurationKey()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UsePgVector("Host=127.0.0.1;Port=1", o => o.EfSearch = 0);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value);

        Assert.Equal("HybridAnswering:PgVector:EfSearch must be between 1 and 1000 (was 0).", Assert.Single(error.Failures));
    }
}
