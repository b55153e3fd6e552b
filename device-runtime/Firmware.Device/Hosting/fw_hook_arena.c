/*
 * Compiled into every firmware library the agent hosts (FirmwareLibrary.Build): room for the agent's hook
 * stubs inside the library's own mapping. The branch written at a hooked function's entry reaches only so
 * far (x86-64 jmp rel32: +-2 GiB; A64 B: +-128 MiB), and the address space next to a library can be taken
 * whole by the .NET runtime's own reservations. This array never is: it lies in the library's .bss,
 * page-aligned and a whole number of pages, so no firmware variable shares a page with it.
 */
__attribute__((aligned(4096), visibility("default")))
unsigned char fw_hook_arena[32 * 4096];
