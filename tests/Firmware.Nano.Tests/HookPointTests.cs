using Firmware.Ebpf.Isa;
using Firmware.Ebpf.Memory;
using Firmware.Ebpf.Text;

namespace Firmware.Nano.Tests;

/// <summary>Hook points as the firmware uses them: register by name, invoke with a context, fall back when nothing decides.</summary>
public class HookPointTests
{
    private readonly dynamic _hooks = NanoAssembly.New("Hooks.HookPoints");

    private static dynamic Instance(string asm) =>
        Nano.Instance(Nano.Program("hook", Assembler.Assemble(asm)), Nano.Helpers());

    [Fact]
    public void Invoke_runs_the_program_on_the_context()
    {
        // Returns the context's second u32 plus its length (r2).
        _hooks.Register("sensor.filter", Instance("ldxw %r0, [%r1+4]\nadd %r0, %r2\nexit"));

        int result = _hooks.Invoke("sensor.filter", new byte[] { 0, 0, 0, 0, 40, 0, 0, 0 });

        Assert.Equal(48, result);
        Assert.Equal(1L, (long)_hooks.Find("sensor.filter").Runs);
    }

    [Fact]
    public void Unknown_hook_points_return_the_fallback() =>
        Assert.Equal(-5, (int)_hooks.Invoke("nothing.here", new byte[4], -5));

    [Fact]
    public void The_context_is_read_only_unless_registered_writable()
    {
        const string store = "stw [%r1+0], 7\nmov %r0, 1\nexit";
        var context = new byte[4];
        _hooks.Register("ro", Instance(store));
        _hooks.Register("rw", Instance(store), NanoAssembly.Enum("Memory.Access", "ReadWrite"));

        Assert.Equal(-1, (int)_hooks.Invoke("ro", context, -1));
        Assert.Equal(new byte[4], context);
        Assert.Equal(1, (int)_hooks.Invoke("rw", context, -1));
        Assert.Equal(new byte[] { 7, 0, 0, 0 }, context);
    }

    [Fact]
    public void A_faulting_program_is_detached_and_its_fault_kept()
    {
        _hooks.Register("bad", Instance("ldxdw %r0, [%r1+8]\nexit"));

        Assert.Equal(3, (int)_hooks.Invoke("bad", new byte[8], 3));

        dynamic point = _hooks.Find("bad");
        Assert.Null(point.Program);
        Assert.Equal("insn 0: invalid read of 8 bytes at 0x20000008", point.LastResult.ToString());
        Assert.Equal(3, (int)_hooks.Invoke("bad", new byte[8], 3));
        Assert.Equal(1L, (long)point.Runs);
    }

    [Fact]
    public void Register_replaces_and_unregister_removes()
    {
        _hooks.Register("h", Instance("mov %r0, 1\nexit"));
        _hooks.Register("h", Instance("mov %r0, 2\nexit"));
        Assert.Equal(2, (int)_hooks.Invoke("h", new byte[0]));

        Assert.True((bool)_hooks.Unregister("h"));
        Assert.False((bool)_hooks.Unregister("h"));
        Assert.Equal(9, (int)_hooks.Invoke("h", new byte[0], 9));
    }

    [Fact]
    public void Maps_keep_state_across_invocations()
    {
        var maps = new[] { new Ebpf.Programs.MapDefinition("count", Ebpf.Programs.MapType.Array, 4, 8, 1) };
        var code = Assembler.Assemble("""
            r1 = map_val(map_by_idx(0)) + 0 ll
            r2 = 1
            lock *(u64 *)(r1 + 0) += r2
            r0 = *(u64 *)(r1 + 0)
            exit
            """);
        _hooks.Register("tick", Nano.Instance(Nano.Program("count", code, maps), Nano.Helpers()));

        for (int i = 1; i <= 3; i++) Assert.Equal(i, (int)_hooks.Invoke("tick", null));
    }

    /// <summary>The nano board's parse_packet shape: a pointer nobody may touch, a readable length, and a writable word.</summary>
    private static readonly ContextLayout Layout = new(16,
    [
        new ContextField("pkt", 0, 8, Access.None),
        new ContextField("len", 8, 4, Access.Read),
        new ContextField("flags", 12, 4, Access.ReadWrite),
    ]);

    private static Array Fields() => NanoAssembly.Array("Hooks.ContextField", [.. Layout.Fields.Select(f =>
        (object)NanoAssembly.New("Hooks.ContextField", f.Name, f.Offset, f.Size, System.Enum.ToObject(NanoAssembly.Type("Memory.Access"), (byte)f.Access)))]);

    [Fact]
    public void Context_fields_grant_exactly_what_the_boards_layout_allows()
    {
        foreach (var size in new[] { AccessSize.B, AccessSize.H, AccessSize.W, AccessSize.DW })
            for (short offset = -4; offset <= 20; offset++)
                foreach (bool write in new[] { false, true })
                {
                    Instruction access = write
                        ? new(Opcode.Mem(InstructionClass.St, AccessMode.Mem, size), 1, 0, offset, 1)
                        : new(Opcode.Mem(InstructionClass.Ldx, AccessMode.Mem, size), 0, 1, offset, 0);
                    var program = Nano.Instance(Nano.Program("field", [new(0xb7, 0, 0, 0, 0), access, new(Opcode.Exit, 0, 0, 0, 0)]), Nano.Helpers());
                    _hooks.Register("h", program, (dynamic)Fields());
                    bool allowed = Layout.Allows(offset, Opcode.Bytes(size), write ? Access.Write : Access.Read);
                    Assert.True(allowed == ((int)_hooks.Invoke("h", new byte[16], -1) == 0), $"{(write ? "write" : "read")} of {Opcode.Bytes(size)} at {offset}");
                }
    }

    [Fact]
    public void Context_fields_are_views_of_the_firmwares_bytes()
    {
        var code = Assembler.Assemble("ldxw %r0, [%r1+8]\nstw [%r1+12], 99\nexit");
        _hooks.Register("h", Nano.Instance(Nano.Program("view", code), Nano.Helpers()), (dynamic)Fields());
        var context = new byte[16];
        context[8] = 42;

        Assert.Equal(42, (int)_hooks.Invoke("h", context, -1));
        Assert.Equal(99, context[12]);
    }
}
