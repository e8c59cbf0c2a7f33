using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// Forwards every call of <typeparamref name="T"/> to a real one, except those <see cref="Intercept"/> answers (non-null):
/// a client that misbehaves in one chosen way, for the paths a real Redis never takes.
/// </summary>
public class ForwardingProxy<T> : DispatchProxy
    where T : class
{
    private T _target = null!;
    private Func<MethodInfo, object?[], object?> _intercept = null!;

    public static T Create(T target, Func<MethodInfo, object?[], object?> intercept)
    {
        var proxy = DispatchProxy.Create<T, ForwardingProxy<T>>();
        var forwarding = (ForwardingProxy<T>)(object)proxy;
        forwarding._target = target;
        forwarding._intercept = intercept;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        if (_intercept(targetMethod, args) is { } answer)
        {
            return answer;
        }

        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
