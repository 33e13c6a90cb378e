using CsCheck;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Outbox;

/// <summary>
/// The outbox's flash format under any content (torn writes, worn cells, another program's files): every blob
/// either loads as a valid entry or is deleted and counted as corrupt; Load never throws and never hangs.
/// </summary>
[TestClass]
public sealed class PersistentOutboxPropertyTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [TestCategory("Security")]
    public void Load_AnyBlobContents_LoadsValidEntriesAndDiscardsTheRestCounted()
    {
        Gen<byte[]> validBlob = Gen.Select(Gen.Int[1, 1000], Gen.Int[1, 100_000], Gen.OneOf(Gen.Const(EventTypes.Sos), Gen.Const(EventTypes.Heartbeat), Gen.Const(EventTypes.Fall)))
            .Select((boot, seq, type) =>
            {
                var e = new DeviceEvent("pendant-0001", boot, seq, type, 1_763_870_000_000);
                if (type == EventTypes.Heartbeat)
                {
                    e.BatteryPercent = 50;
                }

                return EventCodec.Encode(e);
            });
        Gen<byte[]> blob = Gen.Frequency<byte[]>(
            (2, validBlob),
            (2, Gen.Byte.Array[0, EventCodec.MaxPayloadBytes + 64]),
            (2, validBlob.SelectMany(v => Gen.Int[0, v.Length].Select(n => v[..n]))),
            (1, validBlob.SelectMany(v => Gen.Int[0, v.Length - 1].SelectMany(i => Gen.Byte.Select(b => { var c = (byte[])v.Clone(); c[i] = b; return c; })))));

        blob.Array[0, 12].Sample(blobs =>
        {
            var storage = new MemoryStorage();
            var valid = 0;
            for (var i = 0; i < blobs.Length; i++)
            {
                storage.TryWrite($"ob{i:d4}", blobs[i]);
                if (EventCodec.Decode(blobs[i]).Ok)
                {
                    valid++;
                }
            }

            var outbox = new PersistentOutbox(storage, new OutboxOptions());
            outbox.Load();

            Assert.AreEqual(valid, outbox.Count, "every decodable blob is loaded");
            Assert.AreEqual(blobs.Length - valid, outbox.CorruptCount, "every other blob is counted");
            Assert.AreEqual(valid, storage.Count, "undecodable blobs are deleted, so they cannot jam the queue");
            while (outbox.PeekNext() is { } entry)
            {
                Assert.IsTrue(EventCodec.Decode(outbox.ReadPayload(entry)!).Ok);
                outbox.Remove(entry);
            }
        }, iter: 2_000);
    }
}
