using Microsoft.AspNetCore.Mvc;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>A controller whose action declares its plan and cost by attributes (see <see cref="PipelineOrderTests"/>).</summary>
[ApiController]
[Route("controller")]
public sealed class PlanOnlyController : ControllerBase
{
    /// <summary>Pro plans only, 5 credits.</summary>
    [HttpGet("pro")]
    [ApiKey(Plans = ["pro"], Credits = 5)]
    public string Pro() => "pro";
}
