using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// What one event id means everywhere (device, gateway, cloud): <c>dev:boot:seq</c> names one payload. A second,
    /// different payload under the same id is a device fault (a boot epoch that failed to persist, a storage or clock
    /// reset), not a resend. The gateway and the cloud keep the first payload under the id and the other one under a
    /// derived id, <c>dev:boot:seq~digest</c> (16 lowercase hex digits of <see cref="PayloadDigest(string)"/>), flagged
    /// <see cref="IdConflict"/>: deterministic, so a resend of the conflicting payload is a duplicate of the derived id
    /// at both places, and neither copy is lost (docs/wire-format.md, "One id, one payload").
    /// </summary>
    public static class EventIdentity
    {
        /// <summary>Fault flag of an event stored under a derived id (same id as an earlier, different payload).</summary>
        public const string IdConflict = "id_conflict";

        /// <summary>Fault flag of a new event whose seq is lower than one already seen from the same boot epoch and lane.</summary>
        public const string SeqRegression = "seq_regression";

        /// <summary>Separates an id from the digest in a derived id (unreserved in URLs, never in a device id).</summary>
        public const string ConflictSeparator = "~";

        private const ulong FnvOffsetBasis = 14695981039346656037UL;
        private const ulong FnvPrime = 1099511628211UL;

        /// <summary>
        /// FNV-1a (64 bit) of the payload's UTF-8 bytes: a fingerprint that tells two payloads apart (a chance collision
        /// is ~2^-64), cheap on the device and the same on every runtime. Not a defence against a forger: a device that
        /// wanted to hide an event could simply not send it.
        /// </summary>
        public static ulong PayloadDigest(byte[] utf8, int offset, int count)
        {
            ulong hash = FnvOffsetBasis;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                hash ^= utf8[i];
                hash *= FnvPrime;
            }

            return hash;
        }

        public static ulong PayloadDigest(string payload)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(payload);
            return PayloadDigest(bytes, 0, bytes.Length);
        }

        /// <summary>The id under which a payload that conflicts with <paramref name="id"/> is kept.</summary>
        public static string MakeConflictId(string id, ulong digest)
        {
            char[] hex = new char[16];
            for (int i = 15; i >= 0; i--)
            {
                int nibble = (int)(digest & 0xF);
                hex[i] = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
                digest >>= 4;
            }

            return id + ConflictSeparator + new string(hex);
        }

        /// <summary>True when <paramref name="id"/> is the derived id of <paramref name="payload"/> under <paramref name="originalId"/>.</summary>
        public static bool IsConflictIdOf(string id, string originalId, string payload)
        {
            return id == MakeConflictId(originalId, PayloadDigest(payload));
        }
    }
}
