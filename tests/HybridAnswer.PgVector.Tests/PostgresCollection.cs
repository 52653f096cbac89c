namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Every test that needs PostgreSQL joins this collection (<c>[Collection(PostgresCollection.Name)]</c>)
/// so one <see cref="PostgresFixture"/> serves the whole run. Tests in one collection run one
/// at a time, which is also what makes <see cref="PostgresFixture.RestartServerAsync"/> safe:
/// no other test is using the server while it restarts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
