using System.Reflection;

namespace Firmware.Nano.Tests;

/// <summary>
/// The nanoFramework-compiled profile, loaded from the DLL the build copied next to the tests. Its mscorlib
/// reference binds to .NET's mscorlib facade, so its types are ordinary runtime types: the tests call
/// them through reflection and <c>dynamic</c>.
/// </summary>
public static class NanoAssembly
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Firmware.Nano.dll");

    public static Assembly Assembly { get; } = Assembly.LoadFrom(Path);

    public static Type Type(string name) => Assembly.GetType("Firmware.Nano." + name, throwOnError: true)!;

    public static dynamic New(string type, params object?[] arguments) => Activator.CreateInstance(Type(type), arguments)!;

    /// <summary>Calls a static method; an exception it throws comes out unwrapped.</summary>
    public static object? Call(string type, string method, params object?[] arguments)
    {
        var info = Type(type).GetMethods().Single(m => m.Name == method && m.GetParameters().Length == arguments.Length);
        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>A value of one of the profile's enums.</summary>
    public static dynamic Enum(string type, string name) => System.Enum.Parse(Type(type), name);

    /// <summary>An array of one of the profile's types.</summary>
    public static Array Array(string type, params object[] items)
    {
        var array = System.Array.CreateInstance(Type(type), items.Length);
        for (int i = 0; i < items.Length; i++) array.SetValue(items[i], i);
        return array;
    }
}
