global using Microsoft.VisualStudio.TestTools.UnitTesting;
global using Device = Eldercare.TestSupport.MqttTestDevice;

[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
