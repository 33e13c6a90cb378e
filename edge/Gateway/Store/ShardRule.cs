namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// The one owner of the shard function (STYLE.md habit 15): which of a lane's forward streams owns a device. A device
/// is always in the same shard of a lane, so its events stay in order while several streams post at once. The store
/// computes it at append and writes it in the <c>shard</c> column its reads select by; the alarm express path asks
/// here too. Nothing else computes it.
/// </summary>
public static class ShardRule
{
    /// <summary>The code point of the id's last character modulo <paramref name="shards"/> (ids of a fleet end in a
    /// running number, so the last character spreads them evenly; an empty id is shard 0).</summary>
    public static int Of(string deviceId, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        if (string.IsNullOrEmpty(deviceId))
        {
            return 0;
        }

        var last = deviceId.Length >= 2 && char.IsSurrogatePair(deviceId[^2], deviceId[^1])
            ? char.ConvertToUtf32(deviceId[^2], deviceId[^1])
            : deviceId[^1];
        return last % shards;
    }
}
