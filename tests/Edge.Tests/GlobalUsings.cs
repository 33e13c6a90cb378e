global using Microsoft.VisualStudio.TestTools.UnitTesting;
global using TestDevice = Eldercare.TestSupport.MqttTestDevice;

[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
