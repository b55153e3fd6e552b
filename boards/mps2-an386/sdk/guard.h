/*
 * Calling code that might fault (a HardFault, MemManage, BusFault or UsageFault) and getting control
 * back instead of stopping the board. Linking guard.c defines fw_fault_hook.
 */
#ifndef FW_GUARD_H
#define FW_GUARD_H

#include "fw_env.h"

/*
 * Calls fn(env). If a fault exception is taken before it returns, the call is abandoned: the stack is
 * unwound to this call, *exception is set to the exception number (startup.h) and 0 is returned.
 * Otherwise *exception is 0 and fn's result is returned. Not reentrant.
 */
uint64_t fw_call_guarded(fw_entry_fn fn, struct fw_env *env, uint32_t *exception);

#endif
