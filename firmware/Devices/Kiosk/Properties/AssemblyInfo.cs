using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("Eldercare.Kiosk")]
[assembly: AssemblyDescription("Community kiosk: card check-in, service requests, SOS")]
[assembly: AssemblyCompany("Eldercare")]
[assembly: AssemblyProduct("Eldercare devices")]
[assembly: ComVisible(false)]
