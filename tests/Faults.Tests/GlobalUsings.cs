global using Microsoft.VisualStudio.TestTools.UnitTesting;

// Each scenario starts its own processes and a 100-device fleet; on 2 cores they run one at a time.
[assembly: DoNotParallelize]
