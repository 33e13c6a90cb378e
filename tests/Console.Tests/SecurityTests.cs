using System.Net;
using System.Text.RegularExpressions;
using Eldercare.Edge.Gateway.Console;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>
/// The console's locks: a wrong password refused and the fifth locking the account (in the browser); no elder's data
/// without a session; a POST without a session or without the antiforgery token refused; the console only on its port.
/// </summary>
[TestClass]
[TestCategory("Console")]
public sealed partial class SecurityTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Login_WrongPasswordRefused_FifthLocks_ThenEvenTheRightOneIsRefused()
    {
        await using var system = await StartAsync();
        var page = await system.NewPageAsync();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await page.GotoAsync(system.ConsoleUrl + "/login");
            await page.FillAsync("#name", "op1");
            await page.FillAsync("#password", "not-the-password");
            await page.ClickAsync("#signin");
            var problem = await page.Locator("#problem").InnerTextAsync();
            Assert.AreEqual(attempt < 5 ? "用户名或密码错误" : "账户已锁定，请稍后再试或联系管理员", problem, $"attempt {attempt}");
        }

        await page.FillAsync("#name", "op1");
        await page.FillAsync("#password", ConsoleSystem.Password);
        await page.ClickAsync("#signin");
        StringAssert.Contains(await page.Locator("#problem").InnerTextAsync(), "锁定");
        Assert.AreEqual(0, await page.Locator("#queue").CountAsync(), "still on the login form");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task Requests_WithoutSessionOrToken_Refused_ConsoleOnlyOnItsPort()
    {
        await using var system = await StartAsync();
        using var anonymous = system.NewHttpClient();

        using (var login = await anonymous.GetAsync("/login"))
        {
            StringAssert.Contains(login.Headers.GetValues("Content-Security-Policy").Single(), "script-src 'self'", "no script but the desk's own");
            Assert.AreEqual("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        }

        using (var page = await anonymous.GetAsync("/"))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, page.StatusCode, "the desk page sends a stranger to the login form");
            StringAssert.StartsWith(page.Headers.Location!.ToString(), system.ConsoleUrl + "/login");
        }

        foreach (var path in new[] { "/api/snapshot", "/api/stream" })
        {
            using var data = await anonymous.GetAsync(path);
            Assert.AreEqual(HttpStatusCode.Unauthorized, data.StatusCode, path);
        }

        using (var elders = await anonymous.GetAsync("/elders"))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, elders.StatusCode, "no elders' records without a session");
        }

        using (var take = await anonymous.PostAsync("/api/alarms/pendant-0001:1:1/take", new FormUrlEncodedContent([])))
        {
            Assert.AreEqual(HttpStatusCode.Unauthorized, take.StatusCode, "a POST without a session");
        }

        using var client = system.NewHttpClient();
        var loginToken = await TokenAsync(client, "/login");
        using (var noToken = await client.PostAsync("/login", new FormUrlEncodedContent([new("name", "op1"), new("password", ConsoleSystem.Password)])))
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, noToken.StatusCode, "the login form without its token");
        }

        using (var login = await client.PostAsync("/login", new FormUrlEncodedContent([new("__RequestVerificationToken", loginToken), new("name", "op1"), new("password", ConsoleSystem.Password)])))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, login.StatusCode);
        }

        var deskToken = await TokenAsync(client, "/");
        using (var withoutToken = await client.PostAsync("/api/alarms/pendant-0001:1:1/take", new FormUrlEncodedContent([])))
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, withoutToken.StatusCode, "signed in, but no antiforgery token");
        }

        using (var wrongToken = await client.PostAsync("/api/alarms/pendant-0001:1:1/take", new FormUrlEncodedContent([new("__RequestVerificationToken", loginToken)])))
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, wrongToken.StatusCode, "the anonymous login form's token is not the operator's");
        }

        using (var withToken = await client.PostAsync("/api/alarms/pendant-0001:1:1/take", new FormUrlEncodedContent([new("__RequestVerificationToken", deskToken)])))
        {
            Assert.AreEqual(HttpStatusCode.NotFound, withToken.StatusCode, "with session and token the request is heard (no such alarm)");
        }

        using (var admin = await client.GetAsync("/admin"))
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, admin.StatusCode, "an operator is not an admin");
        }

        system.AddUser("op1", ConsoleUsers.Operator);
        using (var afterReset = await client.GetAsync("/api/snapshot"))
        {
            Assert.AreEqual(HttpStatusCode.Unauthorized, afterReset.StatusCode, "a password reset (console add-user) ends the sessions signed in before");
        }

        using var other = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (var consoleOnHttpPort = await other.GetAsync($"http://127.0.0.1:{system.HttpPort}/login"))
        {
            Assert.AreEqual(HttpStatusCode.NotFound, consoleOnHttpPort.StatusCode, "the console is not on the /health port");
        }

        using (var healthOnConsolePort = await other.GetAsync($"{system.ConsoleUrl}/health"))
        {
            Assert.AreEqual(HttpStatusCode.NotFound, healthOnConsolePort.StatusCode);
        }

        using (var health = await other.GetAsync($"http://127.0.0.1:{system.HttpPort}/health"))
        {
            Assert.AreEqual(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task LoginAttempts_PastTheLimitPerAddress_429_WhateverTheNames()
    {
        await using var system = await StartAsync("--Gateway:Console:LoginAttemptsPerMinutePerAddress=5");
        using var client = system.NewHttpClient();
        var token = await TokenAsync(client, "/login");
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 6; i++)
        {
            using var attempt = await client.PostAsync("/login", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("name", $"guess{i}"), new("password", "not-the-password")]));
            statuses.Add(attempt.StatusCode);
        }

        CollectionAssert.AreEqual(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Append(HttpStatusCode.TooManyRequests).ToList(), statuses);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task OpenDesk_PasswordReset_PageEndsOnTheLoginForm()
    {
        await using var system = await StartAsync();
        var page = await system.NewPageAsync();
        await system.LoginAsync(page, "op1");

        system.AddUser("op1", ConsoleUsers.Operator);

        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 40_000 });
        Assert.AreEqual(1, await page.Locator("#signin").CountAsync(), "the live stream ended with the session, the page went to the login form");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task SessionCookie_HttpOnlyAndSameSiteStrict()
    {
        await using var system = await StartAsync();
        var page = await system.NewPageAsync();

        await system.LoginAsync(page, "op1");

        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Single(c => c.Name == "desk");
        Assert.IsTrue(session.HttpOnly);
        Assert.AreEqual(SameSiteAttribute.Strict, session.SameSite);
        Assert.AreEqual(0, await page.EvaluateAsync<int>("document.cookie.length"), "no cookie readable by a script");
    }

    private static async Task<ConsoleSystem> StartAsync(params string[] extra)
    {
        var system = new ConsoleSystem();
        await system.StartCloudAsync();
        system.AddPendant("pendant-0001");
        system.AddUser("op1", ConsoleUsers.Operator);
        await system.StartGatewayAsync(extra);
        return system;
    }

    private static async Task<string> TokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenPattern().Match(html);
        Assert.IsTrue(match.Success, $"{path} carries an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("(?:name=\"__RequestVerificationToken\" value|name=\"csrf\" content)=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
