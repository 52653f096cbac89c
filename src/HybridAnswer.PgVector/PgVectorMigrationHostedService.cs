using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HybridAnswer.PgVector;

/// <summary>
/// Migrates the schema while the host starts (<c>MigratePgVectorOnStartup()</c>): before the other hosted services start, so before
/// ASP.NET Core accepts requests. The first request does not pay for the migration, and a failure (no permission to create the
/// extension, server unreachable, a table of other dimensions) stops the start with its <see cref="PgVectorStoreException"/>.
/// </summary>
internal sealed class PgVectorMigrationHostedService(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var knowledgeBase = services.GetRequiredService<PgVectorKnowledgeBase>();
        var version = await knowledgeBase.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var logger = (ILogger?)services.GetService<ILogger<PgVectorKnowledgeBase>>() ?? NullLogger.Instance;
        PgVectorLog.SchemaReadyAtStartup(logger, knowledgeBase.DisplayName, version);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
