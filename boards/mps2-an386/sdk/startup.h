/* Reset and fault handling for the mps2-an386 (Cortex-M4) bare-metal SDK. */
#ifndef FW_STARTUP_H
#define FW_STARTUP_H

#include <stdint.h>

/* What the core pushed on the stack when the exception was taken. */
struct fw_exception_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

/* Exception numbers the fault handlers report. */
enum {
    FW_EXC_HARDFAULT = 3,
    FW_EXC_MEMMANAGE = 4,
    FW_EXC_BUSFAULT = 5,
    FW_EXC_USAGEFAULT = 6,
};

/*
 * Called from every fault handler. Weak: the default returns 0 and the SDK reports the fault on the
 * UART and stops. A firmware that recovers (for example by pointing frame->pc at a landing routine)
 * defines it and returns 1; the handler then returns from the exception into the edited frame.
 */
int fw_fault_hook(struct fw_exception_frame *frame, uint32_t exception);

/* Weak: define them to handle these exceptions (the defaults stop the board). */
void fw_svcall_handler(void);
void fw_pendsv_handler(void);
void fw_systick_handler(void);

/* The application's entry, called by the reset handler once .data and .bss are ready. */
int main(void);

#endif
