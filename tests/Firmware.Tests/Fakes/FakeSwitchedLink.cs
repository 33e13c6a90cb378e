using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

/// <summary>
/// A radio the core switches (<see cref="IRadioPower"/>) and its MQTT session on a fake clock: connected
/// <see cref="ConnectDelayMilliseconds"/> after it is wanted, every publish acknowledged <see cref="PubAckMilliseconds"/>
/// later, and downlinks queued at the "gateway" while it was off delivered when it connects (a persistent session).
/// The test calls <see cref="Step"/> after each app tick.
/// </summary>
public sealed class FakeSwitchedLink(FakeClock clock) : IMqttLink, IRadioPower
{
    private readonly Queue<(string Topic, byte[] Payload)> _kept = new();
    private readonly List<(int Token, long Due)> _inFlight = [];
    private long _wantedSince = -1;

    public event PublishCompletedEventHandler? PublishCompleted;

    public event MessageReceivedEventHandler? MessageReceived;

    public int ConnectDelayMilliseconds { get; set; } = Eldercare.Firmware.Core.Power.RadioTimings.ConnectMilliseconds;

    public int PubAckMilliseconds { get; set; } = 20;

    /// <summary>False: the gateway is unreachable (the radio comes up, the session never does).</summary>
    public bool GatewayReachable { get; set; } = true;

    public bool Wanted { get; private set; }

    public bool IsConnected { get; private set; }

    public int Connects { get; private set; }

    public int PowerUps { get; private set; }

    /// <summary>Uptime of every publish, with its payload.</summary>
    public List<(long At, byte[] Payload)> Published { get; } = [];

    public void SetWanted(bool on)
    {
        if (on == Wanted)
        {
            return;
        }

        Wanted = on;
        if (on)
        {
            PowerUps++;
            _wantedSince = clock.UptimeMilliseconds;
        }
        else
        {
            IsConnected = false;
            foreach (var (token, _) in _inFlight)
            {
                PublishCompleted?.Invoke(this, token, false);
            }

            _inFlight.Clear();
        }
    }

    public bool Publish(string topic, byte[] payload, int token)
    {
        if (!IsConnected)
        {
            return false;
        }

        Published.Add((clock.UptimeMilliseconds, payload));
        _inFlight.Add((token, clock.UptimeMilliseconds + PubAckMilliseconds));
        return true;
    }

    /// <summary>The gateway keeps a downlink for the device: delivered now if connected, else at the next connect.</summary>
    public void Send(string topic, byte[] payload)
    {
        _kept.Enqueue((topic, payload));
        if (IsConnected)
        {
            DeliverKept();
        }
    }

    public void Step()
    {
        long now = clock.UptimeMilliseconds;
        if (Wanted && !IsConnected && GatewayReachable && now - _wantedSince >= ConnectDelayMilliseconds)
        {
            IsConnected = true;
            Connects++;
            DeliverKept();
        }

        for (int i = 0; i < _inFlight.Count; i++)
        {
            if (now >= _inFlight[i].Due)
            {
                int token = _inFlight[i].Token;
                _inFlight.RemoveAt(i--);
                PublishCompleted?.Invoke(this, token, true);
            }
        }
    }

    private void DeliverKept()
    {
        while (_kept.Count > 0)
        {
            var (topic, payload) = _kept.Dequeue();
            MessageReceived?.Invoke(this, topic, payload);
        }
    }
}
