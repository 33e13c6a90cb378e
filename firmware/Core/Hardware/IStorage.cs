namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Small named blobs on non-volatile storage (the ESP32's internal flash, I:\ on
    /// nanoFramework; a folder on the host). Names are short ASCII, no path separators.
    /// Expected failures (flash full, worn out) return false; exceptions are for bugs.
    /// </summary>
    public interface IStorage
    {
        /// <summary>Reads a whole blob; false if it does not exist or cannot be read.</summary>
        bool TryRead(string name, out byte[] data);

        /// <summary>
        /// Writes a whole blob so that after a power cut either the old or the new
        /// content is there, never a torn mix (write to a temp name, flush, rename).
        /// </summary>
        bool TryWrite(string name, byte[] data);

        /// <summary>Deletes a blob; true if it is gone (also when it never existed).</summary>
        bool Delete(string name);

        /// <summary>Names of all blobs starting with <paramref name="prefix"/>, in no particular order.</summary>
        string[] List(string prefix);
    }
}
