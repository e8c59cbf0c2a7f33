namespace CoinApi.Node;

/// <summary>A method's params are wrong: answered with INVALID_PARAMS and this message.</summary>
internal sealed class InvalidParamsException(string message) : Exception(message);
