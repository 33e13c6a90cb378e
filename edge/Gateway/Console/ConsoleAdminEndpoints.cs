using System.Globalization;
using System.Security.Claims;
using System.Text;
using Eldercare.Edge.Gateway.Health;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's other pages: elders and devices (last seen, battery, online/offline, open alarms) with each elder's
/// history, the admin page (import the elders' CSV, edit a record, add or change operators) and the audit trail.
/// </summary>
public static class ConsoleAdminEndpoints
{
    public static void Map(RouteGroupBuilder desk)
    {
        desk.MapGet("/elders", Elders).RequireAuthorization();
        desk.MapGet("/elders/{id:long}", History).RequireAuthorization();
        desk.MapGet("/audit", Audit).RequireAuthorization(ConsoleSetup.SupervisorPolicy);
        desk.MapGet("/admin", (HttpContext context, IAntiforgery antiforgery, ElderRecords elders, ConsoleUsers users, TimeProvider time) =>
            AdminPage(context, antiforgery, elders, users, time, null)).RequireAuthorization(ConsoleSetup.AdminPolicy);
        desk.MapPost("/admin/elders/import", ImportAsync).RequireAuthorization(ConsoleSetup.AdminPolicy).AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/admin/elders/{id:long}", ([FromRoute] long id, [FromForm] string? name, [FromForm] string? address, [FromForm] string? contacts,
            HttpContext context, IAntiforgery antiforgery, ElderRecords elders, ConsoleUsers users, TimeProvider time) =>
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || (address?.Length ?? 0) > 300 || (contacts?.Length ?? 0) > 300)
            {
                return AdminPage(context, antiforgery, elders, users, time, "name is required (at most 100 characters); address and contacts at most 300", StatusCodes.Status400BadRequest);
            }

            var found = elders.Update(id, name, address ?? string.Empty, contacts ?? string.Empty, context.User.Identity!.Name!, ConsoleEndpoints.Now(time));
            return found ? Results.Redirect("/admin") : Results.NotFound();
        }).RequireAuthorization(ConsoleSetup.AdminPolicy).AddEndpointFilter<CsrfFilter>();
        desk.MapPost("/admin/users", ([FromForm] string? name, [FromForm] string? role, [FromForm] string? password,
            HttpContext context, IAntiforgery antiforgery, ElderRecords elders, ConsoleUsers users, TimeProvider time) =>
        {
            name = name?.Trim().ToLowerInvariant();
            var problem = ConsoleUsers.Problem(name, role, password);
            if (problem is not null)
            {
                return AdminPage(context, antiforgery, elders, users, time, problem, StatusCodes.Status400BadRequest);
            }

            users.Upsert(name!, role!, password!, context.User.Identity!.Name!, ConsoleEndpoints.Now(time));
            return Results.Redirect("/admin");
        }).RequireAuthorization(ConsoleSetup.AdminPolicy).AddEndpointFilter<CsrfFilter>();
    }

    private static IResult Elders(HttpContext context, IAntiforgery antiforgery, ElderRecords elders, DeskView view, DeviceHealthMonitor health, DeviceFacts facts, TimeProvider time)
    {
        var lang = ConsoleEndpoints.Language(context);
        string W(string key) => ConsoleText.Get(lang, key);
        var statuses = health.Statuses();
        var batteries = view.Batteries();
        var open = view.OpenCountByDevice();
        string DeviceCell(string device)
        {
            var cell = new StringBuilder(Html.E(device));
            if (statuses.TryGetValue(device, out var status))
            {
                cell.Append(status.Offline ? $" <span class=\"offline\">{Html.E(W("offline"))}</span>" : $" <span class=\"online\">{Html.E(W("online"))}</span>");
                cell.Append(" · ").Append(Html.E(W("last_seen"))).Append(' ').Append(Html.E(ConsolePages.Time(status.LastSeenUnixMilliseconds, time)));
            }

            facts.TryGet(device, out var fact);
            int? battery = fact.BatteryPercent ?? (batteries.TryGetValue(device, out var fromAlarms) ? fromAlarms : null);
            if (battery is int percent)
            {
                cell.Append(" · ").Append(Html.E(W("battery"))).Append(' ').Append(percent.ToString(CultureInfo.InvariantCulture)).Append('%');
            }

            if (fact.FirmwareVersion is { } firmware)
            {
                cell.Append(" · ").Append(Html.E(W("firmware"))).Append(' ').Append(Html.E(firmware));
            }

            if (fact.SignalDbm is int signal)
            {
                cell.Append(" · ").Append(Html.E(W("signal"))).Append(' ').Append(signal.ToString(CultureInfo.InvariantCulture)).Append(" dBm");
            }

            if (open.TryGetValue(device, out var count))
            {
                cell.Append(" · ").Append(Html.E(W("open_alarms"))).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture));
            }

            return cell.ToString();
        }

        var records = elders.List();
        var linked = records.SelectMany(e => e.Devices).ToHashSet(StringComparer.Ordinal);
        var body = new StringBuilder();
        body.Append("<h2>").Append(Html.E(W("elders"))).Append("</h2>");
        body.Append(ConsolePages.Table("elders",
            [W("record_no"), W("name"), W("address"), W("contacts"), W("devices"), W("cards"), W("history")],
            records.Select(e => new[]
            {
                Html.E(e.RecordNo), Html.E(e.Name), Html.E(e.Address), Html.E(e.Contacts),
                string.Join("<br>", e.Devices.Select(DeviceCell)), Html.E(string.Join(" ", e.CardHints)),
                $"<a href=\"/elders/{e.Id.ToString(CultureInfo.InvariantCulture)}\">{Html.E(W("history"))}</a>",
            })));
        var others = statuses.Keys.Where(d => !linked.Contains(d)).Order(StringComparer.Ordinal).ToList();
        body.Append("<h2>").Append(Html.E(W("devices"))).Append(" · ").Append(Html.E(W("unknown_elder"))).Append("</h2>");
        body.Append(ConsolePages.Table("devices", [W("device")], others.Select(d => new[] { DeviceCell(d) })));
        return Layout(context, antiforgery, body.ToString());
    }

    private static IResult History(long id, HttpContext context, IAntiforgery antiforgery, ElderRecords elders, DeskView view, TimeProvider time)
    {
        var lang = ConsoleEndpoints.Language(context);
        string W(string key) => ConsoleText.Get(lang, key);
        var elder = elders.List().FirstOrDefault(e => e.Id == id);
        if (elder is null)
        {
            return Results.NotFound();
        }

        var body = new StringBuilder();
        body.Append("<h2>").Append(Html.E(elder.Name)).Append(" · ").Append(Html.E(W("history"))).Append("</h2>");
        body.Append(ConsolePages.Table("history", [W("time"), W("action"), W("device"), W("state"), W("taken_by"), W("outcome"), W("provider")],
            view.OfElder(id, 200).Select(a => new[]
            {
                Html.E(ConsolePages.Time(a.Received, time)), Html.E(W("type." + a.Type) + (a.Service is null ? string.Empty : " · " + W("svc." + a.Service))),
                Html.E(a.Device), Html.E(W("state." + a.State)), Html.E(a.TakenBy), Html.E(a.Outcome is null ? null : W("outcome." + a.Outcome)), Html.E(a.Provider),
            })));
        return Layout(context, antiforgery, body.ToString());
    }

    private static IResult Audit(HttpContext context, IAntiforgery antiforgery, ConsoleDatabase database, TimeProvider time)
    {
        var lang = ConsoleEndpoints.Language(context);
        string W(string key) => ConsoleText.Get(lang, key);
        var body = "<h2>" + Html.E(W("audit")) + "</h2>" + ConsolePages.Table("audit", [W("time"), W("user"), W("action"), W("subject"), W("detail")],
            AuditTrail.Latest(database, 300).Select(a => new[] { Html.E(ConsolePages.Time(a.At, time)), Html.E(a.By), Html.E(a.Action), Html.E(a.Subject), Html.E(a.Detail) }));
        return Layout(context, antiforgery, body);
    }

    private static async Task<IResult> ImportAsync(HttpContext context, IAntiforgery antiforgery, ElderRecords elders, ConsoleUsers users, TimeProvider time)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            return AdminPage(context, antiforgery, elders, users, time, "choose a CSV file to import", StatusCodes.Status400BadRequest);
        }

        if (file.Length > 5 * 1024 * 1024)
        {
            return AdminPage(context, antiforgery, elders, users, time, "the file is over 5 MB", StatusCodes.Status400BadRequest);
        }

        using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
        var result = elders.Import(reader, context.User.Identity!.Name!, ConsoleEndpoints.Now(time));
        var message = result.Problems.Count == 0
            ? $"{ConsoleText.Get(ConsoleEndpoints.Language(context), "imported")}: {result.Imported}"
            : string.Join("\n", result.Problems.Take(50));
        return AdminPage(context, antiforgery, elders, users, time, message, result.Problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static IResult AdminPage(HttpContext context, IAntiforgery antiforgery, ElderRecords elders, ConsoleUsers users, TimeProvider time, string? message, int status = StatusCodes.Status200OK)
    {
        var lang = ConsoleEndpoints.Language(context);
        string W(string key) => ConsoleText.Get(lang, key);
        var csrf = antiforgery.GetAndStoreTokens(context).RequestToken!;
        var token = ConsolePages.Token(csrf);
        var body = new StringBuilder();
        if (message is not null)
        {
            body.Append("<pre id=\"message\" class=\"").Append(status == StatusCodes.Status200OK ? "ok" : "problem").Append("\">").Append(Html.E(message)).Append("</pre>");
        }

        body.Append("<h2>").Append(Html.E(W("import"))).Append("</h2>");
        body.Append("<form method=\"post\" action=\"/admin/elders/import\" enctype=\"multipart/form-data\">").Append(token)
            .Append("<input type=\"file\" name=\"file\" id=\"file\" accept=\".csv,text/csv\"> <button type=\"submit\" id=\"import\">").Append(Html.E(W("upload"))).Append("</button>")
            .Append("<p><code>").Append(Html.E(string.Join(",", ElderRecords.Header))).Append("</code></p></form>");
        body.Append("<h2>").Append(Html.E(W("elders"))).Append("</h2>");
        body.Append(ConsolePages.Table("edit-elders", [W("record_no"), W("name"), W("address"), W("contacts"), W("save")],
            elders.List().Select(e =>
            {
                var form = $"elder-{e.Id.ToString(CultureInfo.InvariantCulture)}";
                return new[]
                {
                    Html.E(e.RecordNo),
                    $"<input form=\"{form}\" name=\"name\" value=\"{Html.E(e.Name)}\">",
                    $"<input form=\"{form}\" name=\"address\" value=\"{Html.E(e.Address)}\">",
                    $"<input form=\"{form}\" name=\"contacts\" value=\"{Html.E(e.Contacts)}\">",
                    $"<form id=\"{form}\" method=\"post\" action=\"/admin/elders/{e.Id.ToString(CultureInfo.InvariantCulture)}\">{token}<button type=\"submit\">{Html.E(W("save"))}</button></form>",
                };
            })));
        body.Append("<h2>").Append(Html.E(W("users"))).Append("</h2>");
        var now = ConsoleEndpoints.Now(time);
        body.Append(ConsolePages.Table("users", [W("user"), W("role"), W("state")],
            users.List(now).Select(u => new[] { Html.E(u.Name), Html.E(u.Role), u.Locked ? Html.E(W("locked")) : string.Empty })));
        body.Append("<h3>").Append(Html.E(W("add_user"))).Append("</h3><form method=\"post\" action=\"/admin/users\">").Append(token)
            .Append("<input name=\"name\" placeholder=\"").Append(Html.E(W("user"))).Append("\"> <select name=\"role\">")
            .Append(string.Concat(ConsoleUsers.Roles.Select(r => $"<option>{r}</option>")))
            .Append("</select> <input name=\"password\" type=\"password\" placeholder=\"").Append(Html.E(W("password"))).Append("\"> <button type=\"submit\">")
            .Append(Html.E(W("save"))).Append("</button></form>");
        return Results.Content(ConsolePages.Layout(lang, context.User.Identity!.Name, ConsoleEndpoints.Role(context.User), csrf, body.ToString()), "text/html; charset=utf-8", statusCode: status);
    }

    private static IResult Layout(HttpContext context, IAntiforgery antiforgery, string body) =>
        ConsoleEndpoints.Page(ConsolePages.Layout(ConsoleEndpoints.Language(context), context.User.Identity!.Name, ConsoleEndpoints.Role(context.User),
            antiforgery.GetAndStoreTokens(context).RequestToken!, body));
}
