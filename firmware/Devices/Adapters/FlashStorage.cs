using System;
using System.Collections;
using System.IO;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The core's blobs as files in one folder of the I: drive (LittleFS on the ESP32's internal flash). A write goes to
    /// "name.tmp" first, then the old file is deleted and the new one renamed into place (nano's File.Move never
    /// overwrites); at start a ".tmp" whose target is missing is the new content of an interrupted swap and is moved into
    /// place, any other ".tmp" is a write cut short and is deleted: after a power cut the blob is old or new, never torn.
    /// Writes beyond <see cref="StorageBudget.AppBytes"/> (counted in whole blocks) are refused: the drive is shared with
    /// the network configuration and certificates.
    /// </summary>
    public sealed class FlashStorage : IStorage
    {
        public const string AppFolder = "I:\\app\\";
        private const string TempSuffix = ".tmp";

        private readonly string _folder;
        private readonly ArrayList _names = new ArrayList();
        private readonly ArrayList _sizes = new ArrayList();
        private int _usedBytes;

        public FlashStorage(string folder)
        {
            _folder = folder;
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
            }

            Recover();
        }

        /// <summary>Bytes the app's files take now, counted in whole blocks.</summary>
        public int UsedBytes
        {
            get { return _usedBytes; }
        }

        /// <summary>Writes refused because they would exceed the budget, since start.</summary>
        public int RefusedForBudget { get; private set; }

        public bool TryRead(string name, out byte[] data)
        {
            data = null;
            try
            {
                string path = _folder + name;
                if (!File.Exists(path))
                {
                    return false;
                }

                data = File.ReadAllBytes(path);
                return true;
            }
            catch (Exception)
            {
                // IOException from a worn or corrupt block: the caller treats the blob as missing.
                data = null;
                return false;
            }
        }

        public bool TryWrite(string name, byte[] data)
        {
            int index = _names.IndexOf(name);
            int oldBytes = index >= 0 ? (int)_sizes[index] : 0;
            if (!StorageBudget.Fits(_usedBytes + StorageBudget.BlockBytes, oldBytes, data.Length))
            {
                // One block more for the temporary copy that exists during the swap.
                RefusedForBudget++;
                return false;
            }

            string path = _folder + name;
            string temp = path + TempSuffix;
            try
            {
                File.WriteAllBytes(temp, data);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(temp, path);
            }
            catch (Exception)
            {
                return false;
            }

            Track(name, data.Length);
            return true;
        }

        public bool Delete(string name)
        {
            try
            {
                string path = _folder + name;
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
            catch (Exception)
            {
                return false;
            }

            Track(name, -1);
            return true;
        }

        public string[] List(string prefix)
        {
            ArrayList found = new ArrayList();
            for (int i = 0; i < _names.Count; i++)
            {
                string name = (string)_names[i];
                if (name.StartsWith(prefix))
                {
                    found.Add(name);
                }
            }

            string[] names = new string[found.Count];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = (string)found[i];
            }

            return names;
        }

        private void Recover()
        {
            string[] paths = Directory.GetFiles(_folder);
            for (int i = 0; i < paths.Length; i++)
            {
                string path = paths[i];
                if (!path.EndsWith(TempSuffix))
                {
                    continue;
                }

                string target = path.Substring(0, path.Length - TempSuffix.Length);
                try
                {
                    if (File.Exists(target))
                    {
                        File.Delete(path);
                    }
                    else
                    {
                        File.Move(path, target);
                    }
                }
                catch (Exception)
                {
                    // Left for the next start; it is never listed as a blob.
                }
            }

            paths = Directory.GetFiles(_folder);
            for (int i = 0; i < paths.Length; i++)
            {
                string path = paths[i];
                if (path.EndsWith(TempSuffix))
                {
                    continue;
                }

                int length;
                try
                {
                    length = File.ReadAllBytes(path).Length;
                }
                catch (Exception)
                {
                    length = StorageBudget.BlockBytes;
                }

                Track(path.Substring(path.LastIndexOf('\\') + 1), length);
            }
        }

        private void Track(string name, int bytes)
        {
            int index = _names.IndexOf(name);
            if (index >= 0)
            {
                _usedBytes -= StorageBudget.FootprintBytes((int)_sizes[index]);
                _names.RemoveAt(index);
                _sizes.RemoveAt(index);
            }

            if (bytes >= 0)
            {
                _names.Add(name);
                _sizes.Add(bytes);
                _usedBytes += StorageBudget.FootprintBytes(bytes);
            }
        }
    }
}
