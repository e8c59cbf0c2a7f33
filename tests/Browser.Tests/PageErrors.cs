using Microsoft.Playwright;

namespace ErrorCatalog.Browser.Tests;

/// <summary>What a page reported as broken while it loaded: console messages of type error and uncaught script errors.</summary>
public sealed class PageErrors
{
    private readonly List<string> _errors = [];

    private PageErrors(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Add($"pageerror: {error}");
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts listening on <paramref name="page"/>; attach before navigating so nothing is missed.</summary>
    public static PageErrors Watch(IPage page) => new(page);

    private void Add(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }
}
