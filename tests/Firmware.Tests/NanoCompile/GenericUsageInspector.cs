using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// Finds generics in an emitted assembly: the stable nanoFramework 1.x runtime has none, and the C# compiler does not
/// stop them (nano's mscorlib even declares Action`1 and EventHandler`1). Looks at every place ECMA-335 can carry one:
/// generic parameters on types and methods, method specs (generic method instantiations), and every signature (fields,
/// methods, member references, locals, type specs) decoded for GENERICINST, VAR and MVAR.
/// </summary>
public static class GenericUsageInspector
{
    public static IReadOnlyList<string> Inspect(byte[] image)
    {
        using var pe = new PEReader(ImmutableArray.Create(image));
        MetadataReader reader = pe.GetMetadataReader();
        var found = new List<string>();
        var provider = new Provider(reader, found);

        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string typeName = provider.GetTypeFromDefinition(reader, handle, 0);
            if (type.GetGenericParameters().Count > 0)
            {
                found.Add("generic type definition " + typeName);
            }

            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                provider.Context = typeName + "." + reader.GetString(field.Name);
                field.DecodeSignature(provider, null);
            }

            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(methodHandle);
                provider.Context = typeName + "." + reader.GetString(method.Name);
                if (method.GetGenericParameters().Count > 0)
                {
                    found.Add("generic method definition " + provider.Context);
                }

                method.DecodeSignature(provider, null);
                if (method.RelativeVirtualAddress != 0)
                {
                    MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
                    }
                }
            }
        }

        foreach (MemberReferenceHandle handle in reader.MemberReferences)
        {
            MemberReference member = reader.GetMemberReference(handle);
            provider.Context = "reference to " + reader.GetString(member.Name);
            if (member.Parent.Kind == HandleKind.TypeSpecification)
            {
                reader.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(provider, null);
            }

            if (member.GetKind() == MemberReferenceKind.Method)
            {
                member.DecodeMethodSignature(provider, null);
            }
            else
            {
                member.DecodeFieldSignature(provider, null);
            }
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            provider.Context = "type spec " + row.ToString(System.Globalization.CultureInfo.InvariantCulture);
            reader.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).DecodeSignature(provider, null);
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = reader.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            found.Add("generic method instantiation " + DescribeMethod(reader, spec.Method));
        }

        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string DescribeMethod(MetadataReader reader, EntityHandle method) => method.Kind switch
    {
        HandleKind.MethodDefinition => reader.GetString(reader.GetMethodDefinition((MethodDefinitionHandle)method).Name),
        HandleKind.MemberReference => reader.GetString(reader.GetMemberReference((MemberReferenceHandle)method).Name),
        _ => method.Kind.ToString(),
    };

    private sealed class Provider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _reader;
        private readonly List<string> _found;

        public Provider(MetadataReader reader, List<string> found)
        {
            _reader = reader;
            _found = found;
        }

        public string Context { get; set; } = "";

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            string name = genericType + "<" + string.Join(",", typeArguments) + ">";
            _found.Add("generic instantiation " + name + " in " + Context);
            return name;
        }

        public string GetGenericMethodParameter(object? genericContext, int index)
        {
            _found.Add("generic method parameter in " + Context);
            return "!!" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetGenericTypeParameter(object? genericContext, int index)
        {
            _found.Add("generic type parameter in " + Context);
            return "!" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string ns = reader.GetString(type.Namespace);
            return (ns.Length > 0 ? ns + "." : "") + reader.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference type = reader.GetTypeReference(handle);
            string ns = reader.GetString(type.Namespace);
            return (ns.Length > 0 ? ns + "." : "") + reader.GetString(type.Name);
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
