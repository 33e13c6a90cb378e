namespace Eldercare.VirtualDevice;

/// <summary>The CLI's shared argument checks; each prints its error and returns false.</summary>
public static class CliArguments
{
    public static bool TryBroker(string broker, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        int colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
        {
            Console.Error.WriteLine($"error: --broker '{broker}' is not host:port");
            return false;
        }

        host = broker[..colon];
        return true;
    }

    public static bool TryDevices(string path, out IReadOnlyList<DeviceCredentials> devices)
    {
        try
        {
            devices = DeviceList.Load(path);
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            devices = [];
            return false;
        }
    }

    /// <summary>An absent URL is fine (null); a present one must be absolute http(s).</summary>
    public static bool TryCloud(string? text, out Uri? url)
    {
        url = null;
        if (text is null)
        {
            return true;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            Console.Error.WriteLine($"error: --cloud '{text}' is not an http(s) URL");
            url = null;
            return false;
        }

        return true;
    }
}
