#include "startup.h"
#include "uart.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[], __stack_top[];

void fw_reset(void);
void fw_fault_entry(void);

static void fw_default_handler(void)
{
    for (;;) { }
}

/* Handlers an application may define; unhandled ones stop the board. */
void fw_svcall_handler(void) __attribute__((weak, alias("fw_default_handler")));
void fw_pendsv_handler(void) __attribute__((weak, alias("fw_default_handler")));
void fw_systick_handler(void) __attribute__((weak, alias("fw_default_handler")));

/* Cortex-M vector table: initial SP, reset, then the system exceptions; no device interrupts used. */
__attribute__((section(".vectors"), used))
static void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top,
    fw_reset,
    fw_default_handler, /* NMI */
    fw_fault_entry,     /* HardFault */
    fw_fault_entry,     /* MemManage */
    fw_fault_entry,     /* BusFault */
    fw_fault_entry,     /* UsageFault */
    0, 0, 0, 0,
    fw_svcall_handler,
    fw_default_handler, /* DebugMonitor */
    0,
    fw_pendsv_handler,
    fw_systick_handler,
};

void fw_reset(void)
{
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    main();
    for (;;) { }
}

__attribute__((weak)) int fw_fault_hook(struct fw_exception_frame *frame, uint32_t exception)
{
    (void)frame;
    (void)exception;
    return 0;
}

static void put_hex(uint32_t value)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        uart_put("0123456789abcdef"[(value >> shift) & 15]);
}

/* C half of the fault handlers: the hook first, else report and stop. */
void fw_fault_dispatch(struct fw_exception_frame *frame, uint32_t exception)
{
    if (fw_fault_hook(frame, exception))
        return;
    uart_write("\r\nFAULT exception ", 18);
    put_hex(exception);
    uart_write(" pc ", 4);
    put_hex(frame->pc);
    uart_write("\r\n", 2);
    for (;;) { }
}

/*
 * Assembly half: find the frame on whichever stack was in use (EXC_RETURN bit 2), call the C half,
 * and return from the exception through EXC_RETURN (kept on the stack next to r4 for alignment).
 */
__attribute__((naked)) void fw_fault_entry(void)
{
    __asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mrs r1, ipsr\n"
        "push {r4, lr}\n"
        "bl fw_fault_dispatch\n"
        "pop {r4, pc}\n");
}
