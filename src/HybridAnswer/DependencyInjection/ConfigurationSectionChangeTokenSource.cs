using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace HybridAnswer;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> when the host's configuration reloads (an edited appsettings.json), so the options
/// bound by <see cref="ConfigurationSectionSetup{TOptions}"/> are bound again; never fires in hosts without configuration.
/// </summary>
internal sealed class ConfigurationSectionChangeTokenSource<TOptions>(IServiceProvider services) : IOptionsChangeTokenSource<TOptions>
    where TOptions : class
{
    private static readonly IChangeToken NeverChanges = new CancellationChangeToken(CancellationToken.None);

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() =>
        services.GetService(typeof(IConfiguration)) is IConfiguration configuration ? configuration.GetReloadToken() : NeverChanges;
}
