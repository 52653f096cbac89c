using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer;

/// <summary>
/// The <see cref="ICustomerContextProvider"/> the singleton answerer calls when it was composed by <c>AddHybridAnswering()</c>:
/// resolves the host's provider in a scope of its own for each lookup, so a provider registered as scoped (customer facts
/// usually come from a scoped <c>DbContext</c>) works under scope validation and is disposed with that scope, and a singleton
/// or transient provider behaves as before. Not the request's scope: the answerer may run outside any request.
/// </summary>
internal sealed class ScopedCustomerContextProvider(IServiceScopeFactory scopes) : ICustomerContextProvider
{
    /// <summary>The provider for the answerer: this adapter when the host registered one, <see langword="null"/> otherwise.</summary>
    public static ICustomerContextProvider? For(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>() is { } isService
            ? isService.IsService(typeof(ICustomerContextProvider)) ? new ScopedCustomerContextProvider(services.GetRequiredService<IServiceScopeFactory>()) : null
            : services.GetService<ICustomerContextProvider>();

    public async Task<CustomerContext?> GetCustomerContextAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var provider = scope.ServiceProvider.GetRequiredService<ICustomerContextProvider>();
            return await provider.GetCustomerContextAsync(customerId, cancellationToken).ConfigureAwait(false);
        }
    }
}
