using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Eldercare.Edge.Gateway.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's endpoints: login and logout, the desk page, its assets, the live stream of snapshots (server-sent events)
/// and the actions (take, note, close, assign). Everything but the login form and the assets needs a signed-in
/// operator; every POST binds a form, so ASP.NET Core's antiforgery middleware checks its token.
/// </summary>
public static class ConsoleEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(RouteGroupBuilder desk, ConsoleOptions options)
    {
        desk.MapGet("/console/app.js", () => Asset("app.js", "text/javascript; charset=utf-8")).AllowAnonymous();
        desk.MapGet("/console/app.css", () => Asset("app.css", "text/css; charset=utf-8")).AllowAnonymous();
        desk.MapGet("/login", (HttpContext context, IAntiforgery antiforgery) =>
            Page(ConsolePages.Login(Language(context), antiforgery.GetAndStoreTokens(context).RequestToken!, null))).AllowAnonymous();
        desk.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(ConsoleSetup.LoginPolicy).AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.Redirect("/login");
        }).RequireAuthorization().AddEndpointFilter<CsrfFilter>();
        desk.MapGet("/", (HttpContext context, IAntiforgery antiforgery) =>
            Page(ConsolePages.Desk(Language(context), context.User.Identity!.Name!, Role(context.User), antiforgery.GetAndStoreTokens(context).RequestToken!, options)))
            .RequireAuthorization();
        desk.MapGet("/api/snapshot", (DeskSnapshots snapshots) => Results.Text(snapshots.Json(), "application/json")).RequireAuthorization();
        desk.MapGet("/api/stream", (HttpContext context, DeskSnapshots snapshots, AlarmBook book, ConsoleUsers users, TimeProvider time, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(Stream(context.User, users, snapshots, book.Changes, time, cancellationToken))).RequireAuthorization();
        desk.MapPost("/api/alarms/{id}/take", TakeAsync).RequireAuthorization().AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/api/alarms/{id}/note", (string id, [FromForm] string? text, HttpContext context, AlarmBook book, TimeProvider time) =>
            Answer(book.Note(id, context.User.Identity!.Name!, text ?? string.Empty, Now(time)))).RequireAuthorization().AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/api/alarms/{id}/close", (string id, [FromForm] string? outcome, HttpContext context, AlarmBook book, TimeProvider time) =>
            Answer(book.Close(id, context.User.Identity!.Name!, Role(context.User) is ConsoleUsers.Supervisor or ConsoleUsers.Admin, outcome ?? string.Empty, Now(time)))).RequireAuthorization().AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/api/alarms/{id}/assign", (string id, [FromForm] string? provider, HttpContext context, AlarmBook book, TimeProvider time) =>
            Answer(book.Assign(id, context.User.Identity!.Name!, provider ?? string.Empty, Now(time)))).RequireAuthorization().AddEndpointFilter<CsrfFilter>();
    }

    /// <summary>"en" from <c>?lang=en</c> (remembered in a cookie) or the cookie; Chinese otherwise.</summary>
    public static string Language(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var asked = context.Request.Query["lang"].ToString();
        if (asked is ConsoleText.English or ConsoleText.Chinese)
        {
            context.Response.Cookies.Append("desk-lang", asked, new CookieOptions { SameSite = SameSiteMode.Strict, HttpOnly = true, IsEssential = true });
            return asked;
        }

        return ConsoleText.Language(context.Request.Cookies["desk-lang"]);
    }

    public static string Role(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? ConsoleUsers.Operator;

    public static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static async Task<IResult> LoginAsync([FromForm] string? name, [FromForm] string? password, HttpContext context, ConsoleUsers users, IAntiforgery antiforgery, TimeProvider time)
    {
        var result = users.Login(name?.Trim().ToLowerInvariant(), password, Now(time));
        if (result.Outcome == LoginOutcome.Ok)
        {
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, ConsoleSetup.Principal(name!.Trim().ToLowerInvariant(), result.Role!, result.Stamp!)).ConfigureAwait(false);
            return Results.Redirect("/");
        }

        var html = ConsolePages.Login(Language(context), antiforgery.GetAndStoreTokens(context).RequestToken!, result.Outcome == LoginOutcome.Locked ? "locked" : "refused");
        return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> TakeAsync(string id, HttpContext context, AlarmBook book, DeskView view, DeskAcknowledger acknowledger, ConsoleDatabase database, IEventAppender store, TimeProvider time)
    {
        var now = Now(time);
        var result = book.Take(id, context.User.Identity!.Name!, now);
        if (result.Outcome != DeskOutcome.Done)
        {
            return Answer(result);
        }

        // Taken is acknowledged: the device's "help is coming" is queued before the operator sees the answer.
        var alarm = view.Get(id)!;
        var ack = await acknowledger.AcknowledgeAsync(alarm, now, CancellationToken.None).ConfigureAwait(false);
        // Then the platform: the take's alarm_taken, kept in the take's transaction, into the store now (the feed's
        // next pass appends it if this fails).
        try
        {
            await DeskUpstream.FlushAsync(database, store, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            // Kept in console.db: the feed's next pass appends it. The take itself stands.
        }

        return Results.Json(new { ok = true, ack }, Json);
    }

    private static IResult Answer(DeskResult result) => result.Outcome switch
    {
        DeskOutcome.Done => Results.Json(new { ok = true }, Json),
        DeskOutcome.NotFound => Results.Json(new { ok = false, reason = result.Reason }, Json, statusCode: StatusCodes.Status404NotFound),
        DeskOutcome.Conflict => Results.Json(new { ok = false, reason = result.Reason }, Json, statusCode: StatusCodes.Status409Conflict),
        _ => Results.Json(new { ok = false, reason = result.Reason }, Json, statusCode: StatusCodes.Status400BadRequest),
    };

    private static async IAsyncEnumerable<string> Stream(ClaimsPrincipal user, ConsoleUsers users, DeskSnapshots snapshots, DeskChanges changes, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = user.Identity!.Name!;
        var role = Role(user);
        var stamp = user.FindFirstValue(ConsoleSetup.StampClaim) ?? string.Empty;
        while (!cancellationToken.IsCancellationRequested)
        {
            // A long-lived stream outlives its sign-in: it ends when the session would no longer be let in (a new
            // password, role or a lock), and the page then finds the login form.
            if (!users.IsCurrent(name, role, stamp, Now(time)))
            {
                yield break;
            }

            // A snapshot at each change, and one every 15 s anyway (keeps proxies from closing an idle stream). The
            // version is read before the snapshot: a change while it is built makes the next wait return at once.
            var seen = changes.Version;
            yield return snapshots.Json();
            var changed = changes.WaitPastAsync(seen);
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(15), time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing changed: send the same view again.
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream($"Eldercare.Edge.Gateway.Console.Assets.{name}")
            ?? throw new InvalidOperationException($"console asset {name} is not embedded");
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), contentType);
    }
}
