namespace ErrorCatalog;

/// <summary>
/// Told by the catalog's framework answers that the framework refused the request before its endpoint's handler ran
/// (a parameter that does not bind, a failed validation): such a request costs no credits. The middleware's request
/// state provides it, through the request's <see cref="IErrorContextFeature"/>.
/// </summary>
internal interface IBeforeEndpointFeature
{
    /// <summary>
    /// Waives the request's credits: the error body written next says <c>credit_count</c> 0, and the credits charged
    /// are given back to their windows once the request ends. Request-count limits still count it.
    /// </summary>
    void AnsweredBeforeEndpoint();
}
