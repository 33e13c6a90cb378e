global using Microsoft.VisualStudio.TestTools.UnitTesting;

// One class at a time: each starts a gateway, a cloud stub and a browser on a 2-core machine.
[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]
