using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Mvc;

namespace ControllersSample.Controllers;

/// <summary>Rates: every action takes a key; the spread is a feature of the pro plan.</summary>
[ApiController]
[Route("v1/rates")]
[ApiKey]
public sealed class RatesController(RateBook rates) : ControllerBase
{
    /// <summary>The pairs served.</summary>
    [HttpGet]
    public IEnumerable<string> List() => rates.Pairs;

    /// <summary>One rate, or 404 PAIR_NOT_FOUND from this API's errors.yaml.</summary>
    [HttpGet("{pair}")]
    public ActionResult<Rate> Get(string pair) =>
        rates.Find(pair) is { } rate ? rate : ApiErrors.PairNotFound(pair).ToActionResult();

    /// <summary>The bid and ask: keys of other plans get 403 API_KEY_PLAN_NOT_AUTHORIZED, and it costs 5 credits.</summary>
    [HttpGet("{pair}/spread")]
    [ApiKey(Plans = ["spread"], Credits = 5)]
    public ActionResult<Spread> GetSpread(string pair) =>
        rates.Find(pair) is { } rate
            ? new Spread(rate.Pair, rate.Value - 0.0001m, rate.Value + 0.0001m)
            : ApiErrors.PairNotFound(pair).ToActionResult();
}
