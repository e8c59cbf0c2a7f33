using Microsoft.Playwright;

namespace ErrorCatalog.Browser.Tests;

/// <summary>
/// Debian's chromium (/usr/bin/chromium, installed by eng/test.sh) driven by Playwright's own driver from the NuGet
/// package: no browser is downloaded. One browser per test class; each test opens its own context.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // Chromium's background services (updates, sync, safe browsing, QUIC) open connections a closed network refuses.
    private static readonly string[] OfflineArgs =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            // A missing browser fails the run: skipping would let the page go untested without anyone noticing.
            throw new InvalidOperationException(
                $"The browser tests need Debian's chromium at {ExecutablePath}. Run the tests with eng/test.sh, which installs the packages in "
                + "eng/test-packages.txt, or install it: apt-get install --no-install-recommends chromium.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,

            // Chromium refuses to run as root with its sandbox on; CI containers run as root.
            Args = Environment.IsPrivilegedProcess ? ["--no-sandbox", .. OfflineArgs] : OfflineArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
