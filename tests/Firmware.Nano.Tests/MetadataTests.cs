using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Firmware.Nano.Tests;

/// <summary>
/// The profile uses nothing nanoFramework lacks: no generics anywhere in its metadata, no assembly but
/// mscorlib, and every type and member it references exists in the nanoFramework mscorlib it was built against.
/// </summary>
public class MetadataTests
{
    private static readonly string MscorlibPath = typeof(MetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NanoMscorlib").Value!;

    [Fact]
    public void Has_no_generic_types_methods_or_instantiations()
    {
        using var pe = new PEReader(File.OpenRead(NanoAssembly.Path));
        var md = pe.GetMetadataReader();
        Assert.Equal(0, md.GetTableRowCount(TableIndex.GenericParam));
        Assert.Equal(0, md.GetTableRowCount(TableIndex.MethodSpec));
        Assert.Equal(0, md.GetTableRowCount(TableIndex.GenericParamConstraint));
        foreach (var handle in Enumerable.Range(1, md.GetTableRowCount(TableIndex.TypeSpec)).Select(MetadataTokens.TypeSpecificationHandle))
        {
            var blob = md.GetBlobReader(md.GetTypeSpecification(handle).Signature);
            Assert.NotEqual(SignatureTypeCode.GenericTypeInstance, blob.ReadSignatureTypeCode());
        }
        // A signature could name an instantiation without a TypeSpec row, but only through a generic type's reference.
        Assert.DoesNotContain(md.TypeReferences, h => md.GetString(md.GetTypeReference(h).Name).Contains('`'));
    }

    [Fact]
    public void References_only_the_nanoframework_mscorlib()
    {
        using var pe = new PEReader(File.OpenRead(NanoAssembly.Path));
        var md = pe.GetMetadataReader();
        using var libPe = new PEReader(File.OpenRead(MscorlibPath));
        var lib = libPe.GetMetadataReader();
        var references = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h)).ToList();
        var only = Assert.Single(references);
        Assert.Equal("mscorlib", md.GetString(only.Name));
        Assert.Equal(lib.GetAssemblyDefinition().Version, only.Version);
    }

    [Fact]
    public void Every_referenced_type_and_member_exists_in_the_nanoframework_mscorlib()
    {
        using var pe = new PEReader(File.OpenRead(NanoAssembly.Path));
        var md = pe.GetMetadataReader();
        using var libPe = new PEReader(File.OpenRead(MscorlibPath));
        var lib = libPe.GetMetadataReader();
        var available = lib.TypeDefinitions.Select(h => lib.GetTypeDefinition(h)).ToDictionary(
            t => FullName(lib, t),
            t => t.GetMethods().Select(m => lib.GetString(lib.GetMethodDefinition(m).Name))
                .Concat(t.GetFields().Select(f => lib.GetString(lib.GetFieldDefinition(f).Name))).ToHashSet());
        var missing = new List<string>();
        foreach (var handle in md.TypeReferences)
        {
            string name = FullName(md, handle);
            if (!available.ContainsKey(name)) missing.Add(name);
        }
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            string type = FullName(md, (TypeReferenceHandle)member.Parent);
            string name = md.GetString(member.Name);
            if (available.TryGetValue(type, out var members) && !members.Contains(name)) missing.Add(type + "::" + name);
        }
        Assert.Empty(missing);
    }

    private static string FullName(MetadataReader md, TypeDefinition type)
    {
        string name = md.GetString(type.Name);
        return type.GetDeclaringType() is { IsNil: false } outer
            ? FullName(md, md.GetTypeDefinition(outer)) + "/" + name
            : md.GetString(type.Namespace) + "." + name;
    }

    private static string FullName(MetadataReader md, TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        string name = md.GetString(type.Name);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? FullName(md, (TypeReferenceHandle)type.ResolutionScope) + "/" + name
            : md.GetString(type.Namespace) + "." + name;
    }
}
