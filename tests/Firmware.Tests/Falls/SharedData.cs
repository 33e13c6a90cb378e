namespace Eldercare.Firmware.Tests.Falls;

/// <summary>Finds ../shared/datasets next to the repository (the folder holding Devices.sln).</summary>
internal static class SharedData
{
    public static string Datasets
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Devices.sln")))
            {
                directory = directory.Parent;
            }

            if (directory is null)
            {
                throw new InvalidOperationException("Devices.sln not found above " + AppContext.BaseDirectory);
            }

            return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "datasets"));
        }
    }
}
