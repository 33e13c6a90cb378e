// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.m2mqtt/blob/v5.1.220/ (file:line). Behaviour that matters: the
// constructor resolves DNS (build the client after the network is up); MqttMsgPublished carries IsPublished=false after
// the client's own 3 retries 1 s apart; the in-flight session lives in RAM only; it never reconnects by itself.
namespace nanoFramework.M2Mqtt
{
    using System;
    using System.Collections;
    using System.Security.Cryptography.X509Certificates;
    using nanoFramework.M2Mqtt.Messages;

    public interface IMqttClient // nanoFramework.M2Mqtt.Core/IMqttClient.cs:17
    {
        public delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e); // IMqttClient.cs:132

        public delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e); // IMqttClient.cs:142

        public delegate void ConnectionClosedEventHandler(object sender, EventArgs e); // IMqttClient.cs:172
    }

#pragma warning disable CS0067 // declared events are never raised: these declarations are only compiled against
    public class MqttClient : IMqttClient, IDisposable // M2Mqtt/MqttClient.cs:37
    {
        // M2Mqtt/MqttClient.cs:301
        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) { }

        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived; // MqttClient.cs:141

        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished; // MqttClient.cs:146

        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed; // MqttClient.cs:166

        public bool IsConnected => throw null; // MqttClient.cs:181

        public MqttProtocolVersion ProtocolVersion { get => throw null; set => throw null; } // MqttClient.cs:216

        public MqttReasonCode Connect(string clientId) => throw null; // MqttClient.cs:363

        public MqttReasonCode Connect(string clientId, string username, string password) => throw null; // MqttClient.cs:387

        // MqttClient.cs:426
        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => throw null;

        public void Disconnect() => throw null; // MqttClient.cs:569

        public void Close() => throw null; // MqttClient.cs:581

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) => throw null; // MqttClient.cs:713

        public ushort Publish(string topic, byte[] message) => throw null; // MqttClient.cs:752

        // MqttClient.cs:823: the only overload with QoS and retain (null for the two MQTT 5 arguments).
        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) => throw null;

        public void Dispose() => throw null;
    }
#pragma warning restore CS0067

    public enum MqttSslProtocols // nanoFramework.M2Mqtt.Core/MqttSslProtocols.cs
    {
        None,
        SSLv3,
        TLSv1_0,
        TLSv1_1,
        TLSv1_2,
        TLSv1_3,
    }

    public enum MqttProtocolVersion // M2Mqtt/MqttClient.cs:2770
    {
        Version_3_1 = 0x03,
        Version_3_1_1 = 0x04,
        Version_5 = 0x05,
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    using System;

    public enum MqttQoSLevel // nanoFramework.M2Mqtt.Core/Messages/MqttQoSLevel.cs
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
        GrantedFailure = 0x80,
    }

    public enum MqttReasonCode // nanoFramework.M2Mqtt.Core/Messages/MqttReasonCode.cs:12 (first values)
    {
        Success = 0x00,
        UnspecifiedError = 0x80,
        MalformedPacket = 0x81,
        ProtocolError = 0x82,
        ImplementationSpecificError = 0x83,
        UnsupportedProtocolVersion = 0x84,
        ClientIdentifierNotValid = 0x85,
        BadUserNameOrPassword = 0x86,
        NotAuthorized = 0x87,
        ServerUnavailable = 0x88,
        ServerBusy = 0x89,
        Banned = 0x8A,
    }

    public class MqttMsgPublishEventArgs : EventArgs // nanoFramework.M2Mqtt.Core/Messages/MqttMsgPublishEventArgs.cs
    {
        public string Topic => throw null;

        public byte[] Message => throw null;

        public bool DupFlag => throw null;

        public MqttQoSLevel QosLevel => throw null;

        public bool Retain => throw null;
    }

    public class MqttMsgPublishedEventArgs : EventArgs // nanoFramework.M2Mqtt.Core/Messages/MqttMsgPublishedEventArgs.cs
    {
        public ushort MessageId { get => throw null; set => throw null; }

        public bool IsPublished { get => throw null; set => throw null; }
    }
}
