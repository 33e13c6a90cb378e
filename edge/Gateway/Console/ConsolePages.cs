using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The desk's server-rendered pages: the layout (every asset local: /console/app.css and /console/app.js, no CDN, so it
/// works with the city offline), the login form and the desk's frame that the page script fills from the live stream.
/// Every value is HTML-encoded; every form carries the antiforgery token.
/// </summary>
public static class ConsolePages
{
    public static string Layout(string lang, string? user, string? role, string csrf, string body, string? pageScriptWords = null)
    {
        var b = new StringBuilder(4096);
        b.Append("<!DOCTYPE html><html lang=\"").Append(lang == ConsoleText.English ? "en" : "zh-CN").Append("\"><head><meta charset=\"utf-8\">");
        b.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        b.Append("<meta name=\"csrf\" content=\"").Append(Html.E(csrf)).Append("\">");
        b.Append("<title>").Append(Html.E(ConsoleText.Get(lang, "title"))).Append("</title>");
        b.Append("<link rel=\"stylesheet\" href=\"/console/app.css\"></head><body>");
        b.Append("<header><h1>").Append(Html.E(ConsoleText.Get(lang, "title"))).Append("</h1><nav>");
        if (user is not null)
        {
            b.Append(Link("/", ConsoleText.Get(lang, "desk")));
            b.Append(Link("/elders", ConsoleText.Get(lang, "elders")));
            if (role is ConsoleUsers.Supervisor or ConsoleUsers.Admin)
            {
                b.Append(Link("/audit", ConsoleText.Get(lang, "audit")));
            }

            if (role == ConsoleUsers.Admin)
            {
                b.Append(Link("/admin", ConsoleText.Get(lang, "admin")));
            }
        }

        var other = lang == ConsoleText.English ? ConsoleText.Chinese : ConsoleText.English;
        b.Append("<a id=\"lang\" href=\"?lang=").Append(other).Append("\">").Append(Html.E(ConsoleText.Get(lang, "switch"))).Append("</a>");
        if (user is not null)
        {
            b.Append("<span class=\"who\">").Append(Html.E(user)).Append(" · ").Append(Html.E(ConsoleText.Get(lang, "role." + role))).Append("</span>");
            b.Append("<form method=\"post\" action=\"/logout\" class=\"inline\">").Append(Token(csrf))
                .Append("<button type=\"submit\" id=\"logout\">").Append(Html.E(ConsoleText.Get(lang, "logout"))).Append("</button></form>");
        }

        b.Append("</nav></header><main>").Append(body).Append("</main>");
        if (pageScriptWords is not null)
        {
            b.Append("<script type=\"application/json\" id=\"words\">").Append(pageScriptWords.Replace("</", "<\\/", StringComparison.Ordinal)).Append("</script>");
            b.Append("<script src=\"/console/app.js\"></script>");
        }

        b.Append("</body></html>");
        return b.ToString();
    }

    public static string Login(string lang, string csrf, string? problem)
    {
        var body = new StringBuilder();
        body.Append("<form method=\"post\" action=\"/login\" class=\"card login\">").Append(Token(csrf));
        if (problem is not null)
        {
            body.Append("<p class=\"problem\" id=\"problem\">").Append(Html.E(ConsoleText.Get(lang, problem))).Append("</p>");
        }

        body.Append("<label>").Append(Html.E(ConsoleText.Get(lang, "user"))).Append("<input name=\"name\" id=\"name\" autocomplete=\"username\" required></label>");
        body.Append("<label>").Append(Html.E(ConsoleText.Get(lang, "password"))).Append("<input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>");
        body.Append("<button type=\"submit\" id=\"signin\">").Append(Html.E(ConsoleText.Get(lang, "login"))).Append("</button></form>");
        return Layout(lang, null, null, csrf, body.ToString());
    }

    /// <summary>The desk: banner, figures, the alarm queue, service requests and recently closed, filled live by app.js.</summary>
    public static string Desk(string lang, string user, string role, string csrf, ConsoleOptions options)
    {
        var settings = JsonSerializer.Serialize(new
        {
            lang,
            user,
            role,
            amberSeconds = options.AmberAfterSeconds,
            redSeconds = options.RedAfterSeconds,
            providers = options.EffectiveProviders,
            outcomes = AlarmStates.AlarmOutcomes,
            words = ConsoleText.All(lang),
        });
        var body = $"""
            <div id="connection-lost" class="banner lost" hidden>{Html.E(ConsoleText.Get(lang, "stream_lost"))}</div>
            <div id="banner" class="banner" hidden></div>
            <div id="figures" class="figures"></div>
            <div class="toolbar"><button type="button" id="sound" class="sound">{Html.E(ConsoleText.Get(lang, "enable_sound"))}</button><span id="connection"></span></div>
            <section><h2>{Html.E(ConsoleText.Get(lang, "queue"))}</h2><ol id="queue" class="queue"></ol></section>
            <section><h2>{Html.E(ConsoleText.Get(lang, "services"))}</h2><ol id="services" class="queue services"></ol></section>
            <section><h2>{Html.E(ConsoleText.Get(lang, "closed"))}</h2><ol id="closed" class="closed"></ol></section>
            """;
        return Layout(lang, user, role, csrf, body, settings);
    }

    /// <summary>A table of rows already encoded by the caller's cells (<see cref="Cell"/>).</summary>
    public static string Table(string id, IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
    {
        var b = new StringBuilder();
        b.Append("<table id=\"").Append(id).Append("\"><thead><tr>");
        foreach (var h in headers)
        {
            b.Append("<th>").Append(Html.E(h)).Append("</th>");
        }

        b.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            b.Append("<tr>");
            foreach (var cell in row)
            {
                b.Append("<td>").Append(cell).Append("</td>");
            }

            b.Append("</tr>");
        }

        return b.Append("</tbody></table>").ToString();
    }

    public static string Cell(string? text) => Html.E(text);

    public static string Time(long? unixMilliseconds, TimeProvider time) =>
        unixMilliseconds is { } ms
            ? TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";

    public static string Token(string csrf) => $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{Html.E(csrf)}\">";

    private static string Link(string href, string text) => $"<a href=\"{href}\">{Html.E(text)}</a>";
}
