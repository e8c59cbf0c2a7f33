using System.Text;
using System.Text.Json;
using ErrorCatalog.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// The middleware fills exactly the placeholders, in exactly the types, that the generator's table says it does for
/// each refusal (the table behind warning EC0029): an entry's detail <c>[{name}]</c> reads <c>[]</c> when it does not.
/// </summary>
public sealed class RefusalPlaceholdersTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 30, TimeSpan.Zero);

    private static readonly (string Name, PlaceholderKind Kind)[] Types =
    [
        ("int", PlaceholderKind.Int32), ("long", PlaceholderKind.Int64), ("string", PlaceholderKind.String),
        ("seconds", PlaceholderKind.Seconds), ("timestamp", PlaceholderKind.Timestamp),
        ("unixtime", PlaceholderKind.UnixTime), ("bool", PlaceholderKind.Boolean),
    ];

    /// <summary>Every name the table knows for any refusal, and one it knows for none.</summary>
    private static readonly string[] Names =
        [.. RefusalPlaceholders.ByRefusal.Values.SelectMany(static t => t.Keys).Distinct(StringComparer.Ordinal), "tierName"];

    private static readonly Refusal[] Limits =
        [Refusal.MinuteLimit, Refusal.DailyLimit, Refusal.MonthlyLimit, Refusal.IpLimit, Refusal.ConcurrencyLimit, Refusal.CreditsLimit, Refusal.SubscriptionLimit];

    public static TheoryData<Refusal> RequestRefusals =>
        new(Enum.GetValues<Refusal>().Where(static r => r != Refusal.None && !Limits.Contains(r)));

    [Fact]
    public void Table_CoversEveryRefusal()
    {
        Assert.Equal(
            Enum.GetNames<Refusal>().Where(static n => n != nameof(Refusal.None)).Order(StringComparer.Ordinal),
            RefusalPlaceholders.ByRefusal.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RequestRefusals))]
    public async Task KeyAccessStoreOrRequestRefusal_FillsExactlyTheTablesPlaceholders(Refusal refusal)
    {
        // Arrange: what the middleware has at hand for this refusal (a key once one was found, the missing scope,
        // the store's wait, the reason a body cannot be costed)
        var key = refusal is Refusal.KeyMissing or Refusal.KeyInvalid or Refusal.KeyRequired
            ? null
            : Book(ApiErrors.Catalog).Resolve(new ApiKeyRecord { Id = "k", Plan = "p", ExpiresAt = Now.AddDays(-1) })!;
        var responder = Responder(ApiErrors.Catalog);
        var mismatches = new List<string>();

        foreach (var name in Names)
        {
            foreach (var (type, kind) in Types)
            {
                var fake = new FakeResponse();
                var state = State();
                state.Key = key;

                // Act
                await responder.RefuseAsync(
                    fake.Context,
                    state,
                    refusal,
                    scope: refusal == Refusal.InsufficientScope ? "rates:write" : null,
                    retryAfter: refusal == Refusal.StoreUnavailable ? KeyStep.StoreRetryAfter : null,
                    why: refusal == Refusal.InvalidRequest ? "not JSON" : null,
                    answer: Descriptor(name, kind, Refusal.None));

                Collect(mismatches, refusal, name, type, Detail(fake));
            }
        }

        // Assert
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task LimitRefusals_FillExactlyTheTablesPlaceholders()
    {
        var mismatches = new List<string>();
        foreach (var name in Names)
        {
            foreach (var (type, kind) in Types)
            {
                // Arrange: a minute limit of 1 answered by this one entry, decided twice for one key
                var catalog = new ApiErrorCatalog(null, [], [Descriptor(name, kind, Refusal.MinuteLimit)]);
                var book = Book(catalog);
                var state = State();
                state.Key = book.Resolve(new ApiKeyRecord { Id = "k", Plan = "p" })!;
                using var counters = new InMemoryCounterStore(new FakeTimeProvider(Now), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
                var limits = HandBuiltRefusals.Limits(book, catalog);
                var fake = new FakeResponse();
                for (var i = 0; i < 2; i++)
                {
                    state.Batch.Reset();
                    state.Batch.Now = Now;
                    limits.Fill(state.Batch, fake.Context, state.Key, credits: 1);
                    await counters.AcquireAsync(state.Batch);
                }

                // Act
                await Responder(catalog).RefuseLimitAsync(fake.Context, state);

                // Every limit refusal is filled by the same code, so each must have the same row.
                foreach (var refusal in Limits)
                {
                    Collect(mismatches, refusal, name, type, Detail(fake));
                }
            }
        }

        // Assert
        Assert.Empty(mismatches);
    }

    private static void Collect(List<string> mismatches, Refusal refusal, string name, string type, string detail)
    {
        var expected = RefusalPlaceholders.ByRefusal[refusal.ToString()].TryGetValue(name, out var types) && types.Contains(type);
        var filled = detail != "[]";
        if (expected != filled)
        {
            mismatches.Add($"{refusal} {{{name}:{type}}}: table says {(expected ? "filled" : "empty")}, the body reads \"{detail}\"");
        }
    }

    private static ErrorDescriptor Descriptor(string name, PlaceholderKind kind, Refusal refusal) => new(
        "TEST_ERROR",
        null,
        429,
        "Test",
        [TemplateSegment.Literal("["), TemplateSegment.Argument(name), TemplateSegment.Literal("]")],
        null,
        "about:blank",
        refusal,
        [new PlaceholderDescriptor(name, kind)],
        [],
        null);

    private static RefusalResponder Responder(ApiErrorCatalog catalog) => HandBuiltRefusals.Responder(catalog, Now, complete: false);

    private static RequestState State() => HandBuiltRefusals.State(Now);

    private static PlanBook Book(ApiErrorCatalog catalog)
    {
        var options = new ApiErrorCatalogOptions
        {
            Catalog = catalog,
            Plans = { ["p"] = new PlanOptions { Limits = { ["minute"] = new LimitOptions { PermitLimit = 1, Window = "minute" } } } },
        };
        var errors = new List<string>();
        var book = PlanBook.Build(options, catalog, "ApiErrorCatalog", errors);
        Assert.DoesNotContain(errors, static e => e.Contains(":Plans:", StringComparison.Ordinal));
        return book;
    }

    private static string Detail(FakeResponse fake)
    {
        using var body = JsonDocument.Parse(Encoding.UTF8.GetString(fake.Pipe.Written));
        return body.RootElement.GetProperty("detail").GetString()!;
    }
}
