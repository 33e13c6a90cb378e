using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Eldercare.Watch")]
[assembly: AssemblyDescription("Watch (wrist): the pendant's functions plus the GNSS geofence")]
[assembly: AssemblyCompany("Eldercare")]
[assembly: AssemblyProduct("Eldercare devices")]
[assembly: ComVisible(false)]
