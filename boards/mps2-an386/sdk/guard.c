#include "guard.h"
#include "startup.h"

/*
 * The stack pointer inside fw_guard_enter while a guarded call runs, 0 otherwise. Not static: the
 * assembly below names it.
 */
uint32_t fw_guard_sp;
static uint32_t guarded_exception;

uint64_t fw_guard_enter(fw_entry_fn fn, struct fw_env *env);
void fw_guard_landing(void);

/*
 * fw_guard_enter saves the callee-saved registers and sp, then calls fn(env); fw_guard_landing, where
 * a faulting call resumes in thread mode once the exception returned, unwinds to the same point and
 * returns 0.
 */
__asm__(
    ".thumb\n"
    ".syntax unified\n"
    ".global fw_guard_enter\n"
    ".type fw_guard_enter, %function\n"
    ".thumb_func\n"
    "fw_guard_enter:\n"
    "    push {r4-r11, lr}\n"
    "    sub sp, sp, #4\n" /* keeps sp 8-byte aligned for AAPCS */
    "    ldr r2, =fw_guard_sp\n"
    "    str sp, [r2]\n"
    "    mov r2, r0\n"
    "    mov r0, r1\n"
    "    blx r2\n"
    "fw_guard_leave:\n"
    "    ldr r2, =fw_guard_sp\n"
    "    movs r3, #0\n"
    "    str r3, [r2]\n"
    "    add sp, sp, #4\n"
    "    pop {r4-r11, pc}\n"
    ".global fw_guard_landing\n"
    ".type fw_guard_landing, %function\n"
    ".thumb_func\n"
    "fw_guard_landing:\n"
    "    ldr r2, =fw_guard_sp\n"
    "    ldr r0, [r2]\n"
    "    mov sp, r0\n"
    "    movs r0, #0\n"
    "    movs r1, #0\n"
    "    b fw_guard_leave\n"
    ".ltorg\n");

int fw_fault_hook(struct fw_exception_frame *frame, uint32_t exception)
{
    if (fw_guard_sp == 0)
        return 0;
    guarded_exception = exception;
    frame->pc = (uint32_t)fw_guard_landing & ~1u;
    frame->xpsr = 1u << 24; /* Thumb state, no IT block in flight */
    return 1;
}

uint64_t fw_call_guarded(fw_entry_fn fn, struct fw_env *env, uint32_t *exception)
{
    guarded_exception = 0;
    uint64_t result = fw_guard_enter(fn, env);
    *exception = guarded_exception;
    return result;
}
