using System.ComponentModel.DataAnnotations;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Mvc;

namespace ControllersSample.Controllers;

/// <summary>Alerts: a model-validated body; an invalid one gets the catalog's 400 VALIDATION_ERROR with its field errors.</summary>
[ApiController]
[Route("v1/alerts")]
[ApiKey]
public sealed class AlertsController(RateBook rates) : ControllerBase
{
    /// <summary>Sets an alert: 201, 404 PAIR_NOT_FOUND, 409 ALERT_EXISTS, or 400 before this runs.</summary>
    [HttpPost]
    public ActionResult<Alert> Create(AlertRequest request)
    {
        if (rates.Find(request.Pair!) is null)
        {
            return ApiErrors.PairNotFound(request.Pair!).ToActionResult();
        }

        return rates.TryAdd(request.Pair!, request.Threshold, out var alert)
            ? Created($"/v1/alerts/{alert.Id}", alert)
            : ApiErrors.AlertExists(alert.Pair, request.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToActionResult();
    }
}

/// <summary>An alert to set.</summary>
public sealed class AlertRequest
{
    /// <summary>A currency pair like EUR-USD.</summary>
    [Required]
    [RegularExpression("^[A-Za-z]{3}-[A-Za-z]{3}$", ErrorMessage = "The pair must look like EUR-USD.")]
    public string? Pair { get; set; }

    /// <summary>The rate that triggers the alert.</summary>
    [Range(0.0001, 1000)]
    public decimal Threshold { get; set; }
}
