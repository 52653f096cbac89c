using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>
/// Binds options from a configuration section when the host registered an <see cref="IConfiguration"/>, and
/// does nothing otherwise — unlike <c>BindConfiguration</c>, which fails in hosts without configuration.
/// </summary>
internal sealed class ConfigurationSectionSetup<TOptions>(IServiceProvider services, string sectionPath) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
        {
            configuration.GetSection(sectionPath).Bind(options);
        }
    }
}
