using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// Every state-changing request of the desk must carry the antiforgery token of the page it came from (a form field
/// or the header): validated here for every POST, also those that bind no form (ASP.NET Core validates form-binding
/// endpoints by itself, the others only when asked). Refused with 400 and a reason.
/// </summary>
public sealed class CsrfFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var antiforgery = context.HttpContext.RequestServices.GetService(typeof(IAntiforgery)) as IAntiforgery
            ?? throw new InvalidOperationException("antiforgery is not registered");
        if (!await antiforgery.IsRequestValidAsync(context.HttpContext).ConfigureAwait(false))
        {
            return Results.Json(new { ok = false, reason = "missing or invalid antiforgery token: reload the page" }, statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(context).ConfigureAwait(false);
    }
}
