using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Eldercare.Edge.Gateway.Console;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;
using Eldercare.VirtualDevice;
using Microsoft.Playwright;

namespace Eldercare.Console.Tests;

/// <summary>
/// The console's world on loopback: the cloud stub and the gateway (console enabled on its own port) as real processes,
/// virtual pendants and kiosks in-process, console.db prepared before the gateway starts (operators, elders' records),
/// and Debian's chromium driven by Playwright.
/// </summary>
public sealed class ConsoleSystem : IAsyncDisposable
{
    public const string Password = "desk-password-1";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory _directory = new("console-e2e");
    private readonly List<VirtualPendant> _pendants = [];
    private readonly List<VirtualKiosk> _kiosks = [];
    private readonly List<IBrowser> _browsers = [];
    private IPlaywright? _playwright;

    public ConsoleSystem()
    {
        MqttPort = FreePort.Next();
        HttpPort = FreePort.Next();
        ConsolePort = FreePort.Next();
        CloudPort = FreePort.Next();
        RegistryPath = _directory.File("devices.json");
        GatewayData = _directory.File("gateway");
    }

    public int MqttPort { get; }

    public int HttpPort { get; }

    public int ConsolePort { get; }

    public int CloudPort { get; }

    public string RegistryPath { get; }

    public string GatewayData { get; }

    public string ConsoleUrl => $"http://127.0.0.1:{ConsolePort}";

    public ManagedProcess? Gateway { get; private set; }

    public ManagedProcess? Cloud { get; private set; }

    public async Task StartCloudAsync() =>
        Cloud = await ProcessHosts.StartCloudStubAsync(CloudPort, _directory.File("cloud"));

    public async Task StopCloudAsync()
    {
        if (Cloud is not null)
        {
            await Cloud.DisposeAsync();
            Cloud = null;
        }
    }

    /// <summary>Adds an operator to console.db the way an installer does (the <c>console add-user</c> command, password on stdin).</summary>
    public void AddUser(string name, string role)
    {
        var error = new StringWriter();
        var code = ConsoleCommand.Run(["console", "add-user", name, "--role", role, "--data", GatewayData], new StringReader(Password + "\n"), TextWriter.Null, error);
        Assert.AreEqual(0, code, error.ToString());
    }

    /// <summary>Imports elders' records (CSV with the import's header) before the gateway starts.</summary>
    public void ImportElders(string csvRows)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var database = ConsoleDatabase.Open(GatewayData, now);
        var records = new ElderRecords(database, CardHasher.Open(GatewayData), new DeskChanges());
        using var reader = new StringReader(string.Join(",", ElderRecords.Header) + "\n" + csvRows);
        var result = records.Import(reader, "test", now);
        Assert.AreEqual(0, result.Problems.Count, string.Join("; ", result.Problems));
    }

    /// <summary>Starts the gateway (again, after a kill: the one before is disposed first).</summary>
    public async Task StartGatewayAsync(params string[] extra)
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        Gateway = await ProcessHosts.StartGatewayAsync(MqttPort, HttpPort, GatewayData, RegistryPath, $"http://127.0.0.1:{CloudPort}",
        [
            "--Gateway:Forwarder:MaxBackoffMilliseconds=500",
            "--Gateway:Console:Enabled=true",
            $"--Gateway:Console:Port={ConsolePort}",
            .. extra,
        ]);
    }

    public VirtualPendant AddPendant(string id, int heartbeatSeconds = 60)
    {
        DeviceRegistryFile.Upsert(RegistryPath, [SecretHasher.CreateRecord(id, "secret-" + id, iterations: 1000)]);
        return NewPendant(id, heartbeatSeconds);
    }

    /// <summary>Registers a device without starting a virtual one (a test drives it as a bare MQTT client); its secret is "secret-" + id.</summary>
    public void RegisterDevice(string id, string kind) =>
        DeviceRegistryFile.Upsert(RegistryPath, [SecretHasher.CreateRecord(id, "secret-" + id, kind, iterations: 1000)]);

    /// <summary>Powers a pendant on again after <see cref="VirtualPendant.PowerCut"/>: a new boot from the same flash.</summary>
    public VirtualPendant PowerOn(string id, int heartbeatSeconds = 60)
    {
        var pendant = NewPendant(id, heartbeatSeconds);
        pendant.Start();
        return pendant;
    }

    private VirtualPendant NewPendant(string id, int heartbeatSeconds)
    {
        var pendant = new VirtualPendant(new VirtualPendantOptions(id, "secret-" + id, "127.0.0.1", MqttPort, _directory.File("devices"))
        {
            HeartbeatIntervalSeconds = heartbeatSeconds,
            AckTimeoutMilliseconds = 2_000,
        });
        _pendants.Add(pendant);
        return pendant;
    }

    public VirtualKiosk AddKiosk(string id)
    {
        var secret = "secret-" + id;
        DeviceRegistryFile.Upsert(RegistryPath, [SecretHasher.CreateRecord(id, secret, "kiosk", iterations: 1000)]);
        var kiosk = new VirtualKiosk(new VirtualKioskOptions(id, secret, "127.0.0.1", MqttPort, _directory.File("devices")) { AckTimeoutMilliseconds = 2_000 });
        _kiosks.Add(kiosk);
        return kiosk;
    }

    /// <summary>Starts every device and waits until all are connected.</summary>
    public async Task ConnectDevicesAsync()
    {
        foreach (var pendant in _pendants.ToList())
        {
            pendant.Start();
        }

        foreach (var kiosk in _kiosks)
        {
            kiosk.Start();
        }

        await Eventually.WaitAsync(() => _pendants.All(p => p.IsConnected) && _kiosks.All(k => k.IsConnected), TimeSpan.FromSeconds(30), "devices connected");
    }

    /// <summary>
    /// A new headless chromium (Debian's) page with autoplay allowed, as after an operator's click; or, with
    /// <paramref name="blockAutoplay"/>, every AudioContext starting suspended as a browser's autoplay policy makes it
    /// (headless chromium enforces none, measured: a fresh page's context is "running" even with
    /// --autoplay-policy=user-gesture-required), so the desk must offer its "enable sound" button.
    /// </summary>
    public async Task<IPage> NewPageAsync(bool blockAutoplay = false)
    {
        _playwright ??= await Playwright.CreateAsync();
        var browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--autoplay-policy=no-user-gesture-required"],
        });
        _browsers.Add(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "zh-CN" });
        if (blockAutoplay)
        {
            await context.AddInitScriptAsync("""
                (() => {
                  const Real = window.AudioContext;
                  window.AudioContext = class extends Real { constructor(...args) { super(...args); this.suspend(); } };
                })();
                """);
        }

        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the login form and waits for the desk's live stream to be open.</summary>
    public async Task LoginAsync(IPage page, string name)
    {
        await page.GotoAsync(ConsoleUrl + "/login");
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("body[data-stream=open]", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.WaitForSelectorAsync("body[data-version]", new PageWaitForSelectorOptions { Timeout = 15_000 });
    }

    /// <summary>Events of <paramref name="type"/> the cloud stub holds, as JSON elements (id, dev, type, payload, ...).</summary>
    public async Task<List<System.Text.Json.JsonElement>> CloudEventsAsync(string type)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"http://127.0.0.1:{CloudPort}/api/v1/events?type={type}") ?? [];
    }

    /// <summary>The platform's operator acknowledges an event at the cloud stub; returns the HTTP status.</summary>
    public async Task<int> AcknowledgeAtCloudAsync(string eventId)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsJsonAsync($"http://127.0.0.1:{CloudPort}/api/v1/acks", new { id = eventId, by = "city" });
        return (int)response.StatusCode;
    }

    /// <summary>An HTTP client for the console port that keeps cookies and does not follow redirects.</summary>
    public HttpClient NewHttpClient() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
    {
        BaseAddress = new Uri(ConsoleUrl),
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Milliseconds until <paramref name="condition"/> held (polled every 5 ms), failing after <paramref name="timeout"/>.</summary>
    public static async Task<long> MeasureAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        await Eventually.WaitAsync(condition, timeout, what);
        return stopwatch.ElapsedMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in _browsers)
        {
            await browser.DisposeAsync();
        }

        _playwright?.Dispose();
        foreach (var pendant in _pendants)
        {
            await pendant.DisposeAsync();
        }

        foreach (var kiosk in _kiosks)
        {
            await kiosk.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await StopCloudAsync();
        _directory.Dispose();
    }
}
