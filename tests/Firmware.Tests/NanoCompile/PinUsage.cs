using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>One pin as the code uses it: its GPIO and what it is set to, where.</summary>
public sealed record PinUse(int Gpio, string Function, string Where);

/// <summary>
/// Every pin a device project touches, read from its compiled sources with the semantic model (so constants resolve to
/// their numbers): Configuration.SetPinFunction, GpioController.OpenPin, AdcController.OpenChannel (ADC1 channel to
/// its GPIO), the SPI chip-select line, the RC522's reset pin, Sleep.EnableWakeupByPin; plus the buses opened
/// (I2C / SPI bus ids, serial port names) and every pin constant of the project's *Pins classes.
/// </summary>
public sealed class PinUsage
{
    private PinUsage()
    {
    }

    public List<PinUse> Pins { get; } = [];

    public List<int> WakePins { get; } = [];

    /// <summary>"I2C1", "SPI1", "COM2": buses opened by the code.</summary>
    public HashSet<string> Buses { get; } = new(StringComparer.Ordinal);

    /// <summary>Pin numbers declared as constants in *Pins classes (ADC channels turned into their GPIO).</summary>
    public Dictionary<string, int> DeclaredPins { get; } = new(StringComparer.Ordinal);

    public List<string> Problems { get; } = [];

    public static PinUsage Read(CSharpCompilation compilation)
    {
        var usage = new PinUsage();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath.StartsWith("firmware/Core/", StringComparison.Ordinal))
            {
                continue; // the core never names a pin
            }

            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (node is InvocationExpressionSyntax invocation && model.GetSymbolInfo(invocation).Symbol is IMethodSymbol method)
                {
                    usage.ReadCall(model, method, invocation.ArgumentList.Arguments, Where(invocation));
                }
                else if (node is BaseObjectCreationExpressionSyntax creation && creation.ArgumentList != null
                    && model.GetSymbolInfo(creation).Symbol is IMethodSymbol constructor)
                {
                    usage.ReadCall(model, constructor, creation.ArgumentList.Arguments, Where(creation));
                }
                else if (node is ClassDeclarationSyntax type && type.Identifier.ValueText.EndsWith("Pins", StringComparison.Ordinal))
                {
                    usage.ReadConstants(model, type);
                }
            }
        }

        return usage;
    }

    private void ReadCall(SemanticModel model, IMethodSymbol method, SeparatedSyntaxList<ArgumentSyntax> arguments, string where)
    {
        string type = method.ContainingType.Name;
        string name = method.MethodKind == MethodKind.Constructor ? ".ctor" : method.Name;
        switch (type + "." + name)
        {
            case "Configuration.SetPinFunction":
                Add(Int(model, arguments, 0, where), EnumMember(model, arguments, 1, where), where);
                break;
            case "GpioController.OpenPin":
                Add(Int(model, arguments, 0, where), arguments.Count > 1 ? "GPIO_" + EnumMember(model, arguments, 1, where) : "GPIO_Unset", where);
                break;
            case "AdcController.OpenChannel":
                int channel = Int(model, arguments, 0, where);
                Add(Esp32Pins.Adc1ChannelGpio(channel), "ADC1_CH" + channel, where);
                break;
            case "SpiConnectionSettings..ctor":
                int bus = Int(model, arguments, 0, where);
                Buses.Add("SPI" + bus);
                if (arguments.Count > 1)
                {
                    Add(Int(model, arguments, 1, where), "SPI" + bus + "_CS", where);
                }

                break;
            case "I2cConnectionSettings..ctor":
                Buses.Add("I2C" + Int(model, arguments, 0, where));
                break;
            case "SerialPort..ctor":
                Buses.Add(model.GetConstantValue(arguments[0].Expression).Value as string ?? "COM?");
                break;
            case "MfRc522..ctor":
                if (arguments.Count > 1)
                {
                    Add(Int(model, arguments, 1, where), "GPIO_Output", where);
                }

                break;
            case "Sleep.EnableWakeupByPin":
                string member = EnumMember(model, arguments, 0, where);
                if (member.StartsWith("Pin", StringComparison.Ordinal) && int.TryParse(member.AsSpan(3), out int wake))
                {
                    WakePins.Add(wake);
                }
                else
                {
                    Problems.Add(where + ": wake pin " + member + " is not one Sleep.WakeupGpioPin.PinN");
                }

                break;
        }
    }

    private void ReadConstants(SemanticModel model, ClassDeclarationSyntax type)
    {
        foreach (FieldDeclarationSyntax field in type.Members.OfType<FieldDeclarationSyntax>())
        {
            foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
            {
                if (model.GetDeclaredSymbol(variable) is IFieldSymbol { IsConst: true, ConstantValue: int value } symbol)
                {
                    string name = type.Identifier.ValueText + "." + symbol.Name;
                    if (symbol.Name.EndsWith("AdcChannel", StringComparison.Ordinal))
                    {
                        DeclaredPins[name] = Esp32Pins.Adc1ChannelGpio(value);
                    }
                    else if (!symbol.Name.EndsWith("Hertz", StringComparison.Ordinal) && !symbol.Name.EndsWith("Baud", StringComparison.Ordinal))
                    {
                        DeclaredPins[name] = value;
                    }
                }
            }
        }
    }

    private void Add(int gpio, string function, string where)
    {
        if (gpio >= 0)
        {
            Pins.Add(new PinUse(gpio, function, where));
        }
    }

    private int Int(SemanticModel model, SeparatedSyntaxList<ArgumentSyntax> arguments, int index, string where)
    {
        Optional<object?> value = model.GetConstantValue(arguments[index].Expression);
        if (value.HasValue && value.Value is int number)
        {
            return number;
        }

        Problems.Add(where + ": pin argument '" + arguments[index] + "' is not a constant (pins belong in a *Pins class)");
        return -1;
    }

    private string EnumMember(SemanticModel model, SeparatedSyntaxList<ArgumentSyntax> arguments, int index, string where)
    {
        if (model.GetSymbolInfo(arguments[index].Expression).Symbol is IFieldSymbol field)
        {
            return field.Name;
        }

        Problems.Add(where + ": '" + arguments[index] + "' is not a named enum member");
        return "?";
    }

    private static string Where(SyntaxNode node)
    {
        FileLinePositionSpan span = node.GetLocation().GetLineSpan();
        return span.Path + ":" + (span.StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
