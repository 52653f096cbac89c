namespace HybridAnswer;

/// <summary>Supplies facts about the customer asking, for the prompt (tier, orders, member since). Optional; the host implements it.</summary>
public interface ICustomerContextProvider
{
    /// <summary>Returns what the assistant may know about a customer, or <see langword="null"/> when the customer is unknown.</summary>
    /// <param name="customerId">The id passed in <see cref="AnswerOptions.CustomerId"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    Task<CustomerContext?> GetCustomerContextAsync(string customerId, CancellationToken cancellationToken = default);
}
