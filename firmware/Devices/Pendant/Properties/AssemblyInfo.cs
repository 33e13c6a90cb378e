using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Eldercare.Pendant")]
[assembly: AssemblyDescription("Pendant (neck): SOS, fall detection, wellness, battery")]
[assembly: AssemblyCompany("Eldercare")]
[assembly: AssemblyProduct("Eldercare devices")]
[assembly: ComVisible(false)]
