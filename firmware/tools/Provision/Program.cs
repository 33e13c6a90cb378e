using System.CommandLine;
using Eldercare.Firmware.Tools.Provision;

// Provisioning CLI (firmware/README.md, "Provisioning"):
//   Provision --id pendant-0042 --registry /var/lib/eldercare/devices.json --ssid CommunityNet --psk ... --host 192.168.1.10
//             [--port 1883] [--ca ca.pem] [--kind pendant|watch|kiosk] [--placement neck|wrist] [--zones c,lat,lon,r] [--out provisioning]
// then: ./flash.sh pendant /dev/ttyUSB0 pendant-0042 (deploys provisioning/pendant-0042/device.txt to I:).
var idOption = new Option<string>("--id") { Description = "The device's id: 1-32 of a-z, 0-9, '-'", Required = true };
var registryOption = new Option<string>("--registry") { Description = "The gateway's registry file (Gateway:Registry:Path)", Required = true };
var createOption = new Option<bool>("--create-registry") { Description = "Start a new registry file when it does not exist" };
var kindOption = new Option<string>("--kind") { Description = "pendant, watch or kiosk", DefaultValueFactory = _ => "pendant" };
var ssidOption = new Option<string>("--ssid") { Description = "Wi-Fi network", Required = true };
var pskOption = new Option<string>("--psk") { Description = "Wi-Fi password (WPA2, 8-63 characters; empty for an open network)", DefaultValueFactory = _ => "" };
var hostOption = new Option<string>("--host") { Description = "The gateway's address as the device reaches it", Required = true };
var portOption = new Option<int>("--port") { Description = "The gateway's MQTT port", DefaultValueFactory = _ => 1883 };
var caOption = new Option<string?>("--ca") { Description = "CA certificate (PEM) for TLS to the gateway; deployed as I:\\ca.pem, tls=1" };
var placementOption = new Option<string?>("--placement") { Description = "neck or wrist (default: neck for a pendant, wrist for a watch, none for a kiosk)" };
var zonesOption = new Option<string?>("--zones") { Description = "Geofence zones of a watch (c,lat,lon,radius_m;p,lat,lon,... as the core's ZoneText)" };
var outOption = new Option<string>("--out") { Description = "Where the device's files go (<out>/<id>/device.txt); kept out of git", DefaultValueFactory = _ => "provisioning" };
var iterationsOption = new Option<int>("--iterations") { Description = "PBKDF2 iterations of the registry's secret hash", DefaultValueFactory = _ => Eldercare.Edge.Gateway.Registry.SecretHasher.DefaultIterations };
var root = new RootCommand("Provision a device: identity and secret, registered with the gateway, and its boot file (device.txt)")
{
    idOption, registryOption, createOption, kindOption, ssidOption, pskOption, hostOption, portOption, caOption, placementOption, zonesOption, outOption, iterationsOption,
};
root.SetAction(parse =>
{
    string kind = parse.GetValue(kindOption)!;
    var request = new ProvisionRequest(parse.GetValue(idOption)!, parse.GetValue(registryOption)!, parse.GetValue(outOption)!)
    {
        Kind = kind,
        CreateRegistry = parse.GetValue(createOption),
        Ssid = parse.GetValue(ssidOption)!,
        WifiPassword = parse.GetValue(pskOption)!,
        GatewayHost = parse.GetValue(hostOption)!,
        GatewayPort = parse.GetValue(portOption),
        CaCertificatePath = parse.GetValue(caOption),
        Placement = parse.GetValue(placementOption) ?? kind switch { "pendant" => "neck", "watch" => "wrist", _ => null },
        Zones = parse.GetValue(zonesOption),
        Iterations = parse.GetValue(iterationsOption),
    };
    return new Provisioner(Console.Out, Console.Error).Run(request);
});
return await root.Parse(args).InvokeAsync();
