/* systick.h: the Cortex-M SysTick as a free-running 24-bit cycle counter (no interrupt: the SDK's vector
 * table has none for it). At the mps2-an386's 25 MHz it wraps every 0.67 s, so it measures short spans. */
#ifndef SYSTICK_H
#define SYSTICK_H

#include <stdint.h>

enum { SYSTICK_HZ = 25000000 };

void systick_start(void);
uint32_t systick_now(void);
/* Cycles since `start` (a systick_now value), for spans under one wrap. */
uint32_t systick_elapsed(uint32_t start);

#endif
